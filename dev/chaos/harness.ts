// The chaos harness: several scheduler and reconcile runners at once against
// one Postgres and the simulators, a seeded controller injecting Braze faults,
// killing runners, dropping and stalling their database connections and
// changing the feed; then faults off, settle, and check the invariants.
import postgres from "postgres";
import { reconcileSettingsSchema } from "../../src/shared/jobs/braze-reconcile/settings.ts";
import { schedulerSettingsSchema } from "../../src/shared/jobs/braze-scheduler/settings.ts";
import { createBrazeClient } from "../../src/shared/providers/braze/client.ts";
import { createFootballDataClient } from "../../src/shared/providers/football-data/client.ts";
import { DEFAULT_BRAZE_API_KEY, simClient, startBrazeSimulator } from "../sim/braze.ts";
import { DEFAULT_FOOTBALL_TOKEN, simFootballClient, startFootballDataSimulator } from "../sim/football-data.ts";
import { ChaosFeed } from "./feed.ts";
import { checkInvariants, settle } from "./invariants.ts";
import { prng, sleep, Tally } from "./prng.ts";
import { Runner } from "./runners.ts";

export interface ChaosOptions {
  seed: number;
  durationMs: number;
  databaseUrl: string;
  log?: (line: string) => void;
  schedulers?: number;
  reconcilers?: number;
  matches?: number;
}

export interface ChaosReport {
  seed: number;
  durationMs: number;
  runs: Record<string, number>;
  runnersKilled: number;
  faults: Record<string, number>;
  faultsTotal: number;
  feedChanges: Record<string, number>;
  settled: { rounds: number; converged: boolean; lastRound: string };
  expectedMatches: number;
  fired: number;
  violations: string[];
}

export const LEASE_TTL_SECONDS = 5;
const CAMPAIGN = "chaos-campaign";

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const rng = prng(options.seed);
  const runs = new Tally();
  const faults = new Tally();
  const feedTally = new Tally();
  // Chaos still runs reconcile in listing mode, so the simulator must list
  // API-triggered schedules (the real Braze does not; see dev/sim/braze/server.ts).
  const brazeServer = await startBrazeSimulator({
    port: 0,
    rateLimits: { perMinute: 1e9, broadcastPerMinute: 1e9 },
    listApiTriggered: true,
    updateAppliesTriggerProperties: true,
  });
  const footballServer = await startFootballDataSimulator({ port: 0, fixtures: [], requestsPerMinute: 1e9 });
  const brazeSim = simClient(brazeServer.url);
  const feed = new ChaosFeed(simFootballClient(footballServer.url), rng, feedTally);
  const admin = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });
  try {
    await feed.seed(options.matches ?? 60);
    const scheduler = schedulerSettingsSchema.parse({
      campaignId: CAMPAIGN,
      competitions: ["PL", "PD"],
      leaseTtlSeconds: LEASE_TTL_SECONDS,
      concurrency: 4,
    });
    const reconcile = reconcileSettingsSchema.parse({
      campaignId: CAMPAIGN,
      graceSeconds: 5,
      listLagSeconds: 4,
      leaseTtlSeconds: LEASE_TTL_SECONDS,
      concurrency: 4,
    });
    const brazeTuning = {
      baseUrl: brazeServer.url,
      apiKey: DEFAULT_BRAZE_API_KEY,
      timeoutMs: 8_000,
      maxAttempts: 3,
      baseDelayMs: 50,
      maxDelayMs: 500,
      maxRateLimitWaitMs: 3_000,
    };
    const footballTuning = {
      baseUrl: footballServer.url,
      apiToken: DEFAULT_FOOTBALL_TOKEN,
      timeoutMs: 8_000,
      baseDelayMs: 50,
    };
    const football = createFootballDataClient(footballTuning);

    const client = createBrazeClient(brazeTuning);
    const active = { latencyMs: 0, lag: 0, newId: false };
    const hung: string[] = [];
    const hooks = {
      runs,
      faults,
      log,
      onHung: (name: string, detail: string) => {
        hung.push(`runner ${name} hung: ${detail}`);
        log(`HUNG ${name}: ${detail}`);
      },
    };
    const base = {
      databaseUrl: options.databaseUrl,
      braze: brazeTuning,
      football: footballTuning,
      scheduler,
      reconcile,
    };
    const runners = [
      ...Array.from(
        { length: options.schedulers ?? 3 },
        (_, i) => new Runner({ ...base, name: `scheduler-${i + 1}`, kind: "scheduler" }, hooks),
      ),
      ...Array.from(
        { length: options.reconcilers ?? 2 },
        (_, i) => new Runner({ ...base, name: `reconcile-${i + 1}`, kind: "reconcile" }, hooks),
      ),
    ];
    for (const r of runners) r.start();
    log(`chaos seed ${options.seed}: ${runners.length} runners for ${Math.round(options.durationMs / 1000)} s`);

    const deadline = Date.now() + options.durationMs;
    let ticks = 0;
    while (Date.now() < deadline) {
      ticks++;
      await sleep(rng.int(100, 400));
      const roll = rng.next();
      if (roll < 0.3) { for (let n = rng.int(1, 3); n > 0; n--) await feed.change(); }
      else if (roll < 0.7) {
        await brazeFault();
        for (const r of runners) r.send({ type: "faults", latencyMs: active.latencyMs, lag: active.lag });
      } else await hitRunner(roll);
      if (ticks % 50 === 0) {
        log(`${Math.round((deadline - Date.now()) / 1000)} s left; runs ${JSON.stringify(runs.counts)}`);
      }
    }

    /** Mostly the lease holder: killing or stalling a runner that only waits for the lock proves little. */
    // deno-lint-ignore no-inner-declarations -- hoisted: the fault loop above calls it
    async function victim(): Promise<Runner> {
      const held = await admin<
        { holder: string }[]
      >`select holder from app_private.job_leases where expires_at > now()`;
      const holder = runners.find((r) => held.some((h) => h.holder.startsWith(`${r.name}-`)));
      const random = rng.pick(runners);
      return holder && rng.chance(0.7) ? holder : random;
    }

    // deno-lint-ignore no-inner-declarations -- hoisted: the fault loop above calls it
    async function hitRunner(roll: number) {
      const target = await victim();
      if (roll < 0.8) {
        if (target.kill()) faults.add("runner:killed");
      } else if (roll < 0.9) {
        const dropped =
          await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${`chaos-${target.name}`}`;
        if (dropped.length) faults.add("db:connectionDropped", dropped.length);
      } else {
        // A paused process: its database calls wait past the lease TTL.
        target.send({ type: "stall", forMs: rng.int(500, 3000), delayMs: (LEASE_TTL_SECONDS + rng.int(1, 3)) * 1000 });
        faults.add("db:stalledBeyondTtl");
      }
    }

    // deno-lint-ignore no-inner-declarations -- hoisted: the fault loop above calls it
    async function brazeFault() {
      const kind = rng.pick(
        [
          "latency",
          "latency",
          "rateLimit",
          "errors5xx",
          "errors5xxAfterCommit",
          "timeoutAfterCommit",
          "newIdOnUpdate",
          "listLag",
          "clear",
        ] as const,
      );
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
        case "listLag":
          active.lag = rng.int(0, reconcile.listLagSeconds - 1);
          await brazeSim.faults({ listLagSeconds: active.lag || null });
          break;
        case "clear":
          Object.assign(active, { latencyMs: 0, lag: 0, newId: false });
          await brazeSim.clearFaults();
          break;
      }
    }

    log("stopping runners");
    await brazeSim.clearFaults();
    Object.assign(active, { latencyMs: 0, lag: 0, newId: false });
    await Promise.all(runners.map((r) => r.stop(60_000)));
    // Requests already sent (also by killed runners) land before we judge:
    // the longest injected latency is 9 s.
    await sleep(10_000);

    // Faults that took effect at Braze, as the simulator recorded them.
    for (const call of (await brazeSim.state()).calls) if (call.fault) faults.add(`braze:${call.fault}`);

    log("settling with faults off");
    const settleSql = postgres(options.databaseUrl, { max: 3, onnotice: () => {} });
    try {
      const settled = await settle(settleSql, { braze: client, football }, { scheduler, reconcile }, 120_000);
      log(`settled after ${settled.rounds} round(s): ${settled.converged ? "converged" : "NOT converged"}`);
      const check = await checkInvariants({
        sql: settleSql,
        brazeSim,
        feed: await simFootballClient(footballServer.url).matches(),
        everSeen: feed.everSeen,
        scheduler,
      });
      const violations = [
        ...hung,
        ...(settled.converged ? [] : [`did not converge: ${settled.lastRound}`]),
        ...check.violations,
      ];
      return {
        seed: options.seed,
        durationMs: options.durationMs,
        runs: runs.counts,
        runnersKilled: faults.counts["runner:killed"] ?? 0,
        faults: faults.counts,
        faultsTotal: faults.total,
        feedChanges: feedTally.counts,
        settled,
        expectedMatches: check.expected,
        fired: check.fired,
        violations,
      };
    } finally {
      await settleSql.end({ timeout: 5 });
    }
  } finally {
    await admin.end({ timeout: 5 });
    await brazeServer.close();
    await footballServer.close();
  }
}
