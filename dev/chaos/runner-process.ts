// One chaos runner as its own process: a scheduler or reconcile core in a
// loop, over its own postgres.js pool (application_name chaos-<name>, so the
// harness can terminate its backends) and real HTTP clients. Being a process,
// it can be killed for real (SIGKILL mid-call), and if its event loop ever
// blocks, the parent sees its heartbeat stop instead of blocking with it.
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { fromPostgres } from "../../src/shared/db/direct.ts";
import { LeaseLostError, LockedError } from "../../src/shared/errors.ts";
import { runBrazeReconcile } from "../../src/shared/jobs/braze-reconcile/run.ts";
import { runBrazeScheduler } from "../../src/shared/jobs/braze-scheduler/run.ts";
import { type Braze, type Db, systemClock } from "../../src/shared/ports.ts";
import { createBrazeClient } from "../../src/shared/providers/braze/client.ts";
import { createDeepLClient } from "../../src/shared/providers/deepl/client.ts";
import { createFootballDataClient } from "../../src/shared/providers/football-data/client.ts";
import { sleep } from "./prng.ts";
import type { ParentMessage, RunnerConfig } from "./runners.ts";

const config = JSON.parse(process.env.CHAOS_RUNNER ?? "{}") as RunnerConfig;
// The parent may be gone (it ended the run): nothing to report to then.
const send = (m: Record<string, unknown>) => {
  if (process.connected) process.send?.(m, undefined, {}, () => {});
};
const active = { latencyMs: 0, lag: 0, ttlMs: config.scheduler.leaseTtlSeconds * 1000 };
const stall = { until: 0, ms: 0 };
let failNextRenewal = false;
let stopping = false;

process.on("message", (m: ParentMessage) => {
  if (m.type === "stop") stopping = true;
  else if (m.type === "stall") Object.assign(stall, { until: Date.now() + m.forMs, ms: m.delayMs });
  else if (m.type === "faults") Object.assign(active, { latencyMs: m.latencyMs, lag: m.lag });
  else if (m.type === "failRenewal") failNextRenewal = true;
});
setInterval(() => send({ type: "alive" }), 250);
// The parent ended (or was killed): a runner alone would loop forever.
process.on("disconnect", () => process.exit(0));

const sql = postgres(config.databaseUrl, {
  max: 3,
  onnotice: () => {},
  connection: { application_name: `chaos-${config.name}` },
});
const direct = fromPostgres(sql);
// A paused process: while stalled, every database call waits past the lease TTL.
const db: Db = {
  async rpc<T>(fn: string, args?: Record<string, unknown>): Promise<T> {
    if (Date.now() < stall.until) await sleep(stall.ms);
    if (fn === "renew_job_lease" && failNextRenewal) {
      // A renewal lost on the network: the request never reached the database.
      failNextRenewal = false;
      send({ type: "fault", kind: "lease:renewalFailedOnce" });
      throw new Error("chaos: renew_job_lease failed once (network)");
    }
    // The parent keeps the last few failures: evidence when this process hangs.
    return direct.rpc<T>(fn, args).catch((e: unknown) => {
      send({ type: "event", line: `${fn} failed at ${new Date().toISOString()}: ${(e as Error)?.message}` });
      throw e;
    });
  },
};
const client = createBrazeClient(config.braze);
const countLatency = () => {
  if (active.latencyMs > active.ttlMs) send({ type: "fault", kind: "braze:latencyBeyondTtl" });
  else if (active.latencyMs > 0) send({ type: "fault", kind: "braze:latency" });
};
const braze: Braze = {
  createSchedule: (i) => (countLatency(), client.createSchedule(i)),
  async updateSchedule(i) {
    countLatency();
    const r = await client.updateSchedule(i);
    if (r.scheduleId !== i.scheduleId) send({ type: "fault", kind: "braze:newIdOnUpdate" });
    return r;
  },
  deleteSchedule: (i) => (countLatency(), client.deleteSchedule(i)),
  // Production (ledger-only) mode: the port cannot list, as Braze lists no
  // API-triggered schedules (src/shared/jobs/braze-reconcile/env.ts).
  listSchedules: config.listing === false ? undefined : (q) => {
    countLatency();
    if (active.lag > 0) send({ type: "fault", kind: "braze:listLag" });
    return client.listSchedules!(q);
  },
};
const football = createFootballDataClient(config.football);
const translator = config.translator ? createDeepLClient(config.translator) : undefined;
const ports = { db, braze, football, translator, clock: systemClock, newId: randomUUID };

function outcomeOf(e: unknown): string {
  if (e instanceof LockedError) return "locked";
  if (e instanceof LeaseLostError || (e as { kind?: string })?.kind === "lease_lost") return "lease_lost";
  return `failed:${(e as { kind?: string })?.kind ?? (e as Error)?.name ?? "unknown"}`;
}

while (!stopping) {
  const holder = `${config.name}-${randomUUID().slice(0, 8)}`;
  send({ type: "busy", busy: true, holder });
  let outcome = "completed";
  let counts: unknown;
  try {
    if (config.kind === "scheduler") counts = await runBrazeScheduler(ports, config.scheduler, holder);
    else counts = await runBrazeReconcile(ports, config.reconcile, holder);
  } catch (e) {
    outcome = outcomeOf(e);
    if (outcome.startsWith("failed")) {
      send({ type: "log", line: `${config.name} ${outcome}: ${(e as Error)?.message ?? String(e)}` });
    }
  }
  send({ type: "run", outcome: `${config.kind}:${outcome}`, counts });
  send({ type: "busy", busy: false });
  await sleep(Math.floor(Math.random() * 150));
}
await sql.end({ timeout: 2 });
process.exit(0);
