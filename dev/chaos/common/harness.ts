// What both Braze chaos modes (listing and production) do alike around their
// fault loops: tune the clients, start the runners, inject the Braze faults
// and the runner faults they share, stop the runners, settle, and sum up.
// Each mode keeps its own choice and weights of faults and its own checks.
import type { Sql } from "postgres";
import postgres from "postgres";
import { reconcileSettingsSchema } from "../../../src/shared/jobs/braze-reconcile/settings.ts";
import type { BrazeSimClient } from "../../sim/braze.ts";
import { DEFAULT_BRAZE_API_KEY } from "../../sim/braze.ts";
import { DEFAULT_FOOTBALL_TOKEN } from "../../sim/football-data.ts";
import { type Prng, prng, sleep, Tally } from "../prng.ts";
import { Runner, type RunnerConfig, type RunnerHooks } from "../runners.ts";
import type { Settled } from "./settle.ts";

export const LEASE_TTL_SECONDS = 5;

/** The options every Braze chaos run takes. */
export interface ChaosRunOptions {
  seed: number;
  durationMs: number;
  databaseUrl: string;
  log?: (line: string) => void;
  schedulers?: number;
  reconcilers?: number;
}

/** The report fields every Braze chaos run fills alike. */
export interface CommonReport {
  seed: number;
  durationMs: number;
  runs: Record<string, number>;
  runnersKilled: number;
  faults: Record<string, number>;
  faultsTotal: number;
  feedChanges: Record<string, number>;
  settled: Settled;
}

/** A run's log, seeded PRNG, and the tallies both modes fill: runs by outcome, faults, feed changes. */
export function chaosTallies(options: ChaosRunOptions) {
  return {
    log: options.log ?? (() => {}),
    rng: prng(options.seed),
    runs: new Tally(),
    faults: new Tally(),
    feedTally: new Tally(),
  };
}

/** Short timeouts and back-offs, so a faulty simulator is felt within a run. */
export const brazeTuning = (baseUrl: string) => ({
  baseUrl,
  apiKey: DEFAULT_BRAZE_API_KEY,
  timeoutMs: 8_000,
  maxAttempts: 3,
  baseDelayMs: 50,
  maxDelayMs: 500,
  maxRateLimitWaitMs: 3_000,
});

export const footballTuning = (baseUrl: string) => ({
  baseUrl,
  apiToken: DEFAULT_FOOTBALL_TOKEN,
  timeoutMs: 8_000,
  baseDelayMs: 50,
});

/** Reconcile with a short grace and list lag, so it acts within a run. */
export const chaosReconcileSettings = (campaignId: string, concurrency: number) =>
  reconcileSettingsSchema.parse({
    campaignId,
    graceSeconds: 5,
    listLagSeconds: 4,
    leaseTtlSeconds: LEASE_TTL_SECONDS,
    concurrency,
  });

/** Starts `schedulers` scheduler and `reconcilers` reconcile runners; a hung runner is logged and kept in `hung`. */
export function startRunners(
  base: Omit<RunnerConfig, "name" | "kind">,
  tallies: Omit<RunnerHooks, "onHung">,
  counts: { schedulers?: number; reconcilers?: number },
): { runners: Runner[]; hung: string[] } {
  const hung: string[] = [];
  const hooks: RunnerHooks = {
    ...tallies,
    onHung: (name, detail) => {
      hung.push(`runner ${name} hung: ${detail}`);
      tallies.log(`HUNG ${name}: ${detail}`);
    },
  };
  const runners = [
    ...Array.from(
      { length: counts.schedulers ?? 3 },
      (_, i) => new Runner({ ...base, name: `scheduler-${i + 1}`, kind: "scheduler" }, hooks),
    ),
    ...Array.from(
      { length: counts.reconcilers ?? 2 },
      (_, i) => new Runner({ ...base, name: `reconcile-${i + 1}`, kind: "reconcile" }, hooks),
    ),
  ];
  for (const r of runners) r.start();
  return { runners, hung };
}

export type SharedBrazeFault =
  | "latency"
  | "rateLimit"
  | "errors5xx"
  | "errors5xxAfterCommit"
  | "timeoutAfterCommit"
  | "newIdOnUpdate";

/** Sets one Braze simulator fault both modes inject; `active` tracks the ones the runners must also know of. */
export async function applyBrazeFault(
  brazeSim: BrazeSimClient,
  rng: Prng,
  active: { latencyMs: number; newId: boolean },
  kind: SharedBrazeFault,
): Promise<void> {
  switch (kind) {
    case "latency": {
      const ms = rng.pick([0, 100, 500, 2_000, 6_000, 9_000]);
      active.latencyMs = ms;
      await brazeSim.faults({ latencyMs: ms || null });
      break;
    }
    case "rateLimit":
      await brazeSim.faults({ rateLimit: { next: rng.int(1, 4), resetSeconds: 1 } });
      break;
    case "errors5xx":
      await brazeSim.faults({ errors5xx: { next: rng.int(1, 4), status: rng.pick([500, 502, 503]) } });
      break;
    case "errors5xxAfterCommit":
      await brazeSim.faults({ errors5xx: { next: rng.int(1, 3), afterCommit: true } });
      break;
    case "timeoutAfterCommit":
      await brazeSim.faults({ timeoutAfterCommit: { next: rng.int(1, 2) } });
      break;
    case "newIdOnUpdate":
      active.newId = !active.newId;
      await brazeSim.faults({ newIdOnUpdate: active.newId || null });
      break;
  }
}

/** Drops every database connection of a runner (its connections carry application_name chaos-<name>). */
export async function dropConnections(admin: Sql, target: Runner, faults: Tally): Promise<void> {
  const dropped = await admin`
    select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${`chaos-${target.name}`}`;
  if (dropped.length) faults.add("db:connectionDropped", dropped.length);
}

/** A paused process: its database calls wait past the lease TTL. */
export function stallBeyondTtl(target: Runner, rng: Prng, faults: Tally): void {
  target.send({ type: "stall", forMs: rng.int(500, 3000), delayMs: (LEASE_TTL_SECONDS + rng.int(1, 3)) * 1000 });
  faults.add("db:stalledBeyondTtl");
}

/** Stops the runners, lets their last requests land, and tallies the faults Braze recorded taking effect. */
export async function stopRunners(runners: Runner[], brazeSim: BrazeSimClient, faults: Tally): Promise<void> {
  await Promise.all(runners.map((r) => r.stop(60_000)));
  // Requests already sent (also by killed runners) land before judging: the
  // longest injected latency is 9 s.
  await sleep(10_000);
  for (const call of (await brazeSim.state()).calls) if (call.fault) faults.add(`braze:${call.fault}`);
}

/** Runs the settle-and-check phase on its own connection pool, closed afterwards. */
export async function withSettleSql<T>(databaseUrl: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres(databaseUrl, { max: 3, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The report fields both modes share. */
export function commonReport(input: {
  seed: number;
  durationMs: number;
  runs: Tally;
  faults: Tally;
  feedTally: Tally;
  settled: Settled;
}): CommonReport {
  return {
    seed: input.seed,
    durationMs: input.durationMs,
    runs: input.runs.counts,
    runnersKilled: input.faults.counts["runner:killed"] ?? 0,
    faults: input.faults.counts,
    faultsTotal: input.faults.total,
    feedChanges: input.feedTally.counts,
    settled: input.settled,
  };
}

/** Logs how settling ended; a run that did not converge is a violation. */
export function settledViolations(settled: Settled, log: (line: string) => void): string[] {
  log(`settled after ${settled.rounds} round(s): ${settled.converged ? "converged" : "NOT converged"}`);
  return settled.converged ? [] : [`did not converge: ${settled.lastRound}`];
}
