// Settling after the faults phase: alternate scheduler and reconcile, with
// faults off, until a round finds nothing left to do (bounded by a deadline).
// Both Braze chaos modes settle this way; each says what "nothing left" means.
import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import { fromPostgres } from "../../../src/shared/db/direct.ts";
import { LockedError } from "../../../src/shared/errors.ts";
import { runBrazeReconcile } from "../../../src/shared/jobs/braze-reconcile/run.ts";
import type { ReconcileSettings } from "../../../src/shared/jobs/braze-reconcile/settings.ts";
import { runBrazeScheduler } from "../../../src/shared/jobs/braze-scheduler/run.ts";
import type { SchedulerSettings } from "../../../src/shared/jobs/braze-scheduler/settings.ts";
import { type Braze, type FootballData, systemClock } from "../../../src/shared/ports.ts";
import { sleep } from "../prng.ts";

export interface Settled {
  rounds: number;
  converged: boolean;
  lastRound: string;
}

export type SchedulerCounts = Awaited<ReturnType<typeof runBrazeScheduler>>;
export type ReconcileCounts = Awaited<ReturnType<typeof runBrazeReconcile>>;

/** One mode's settle: its own `quiet` bound in. */
export type Settle = (
  sql: Sql,
  ports: { braze: Braze; football: FootballData },
  settings: { scheduler: SchedulerSettings; reconcile: ReconcileSettings },
  maxMs: number,
) => Promise<Settled>;

/** Runs rounds until `quiet` says a round changed nothing, or `maxMs` passes (then not converged). */
export async function settleRounds(
  sql: Sql,
  ports: { braze: Braze; football: FootballData },
  settings: { scheduler: SchedulerSettings; reconcile: ReconcileSettings },
  maxMs: number,
  quiet: (s: SchedulerCounts, r: ReconcileCounts) => boolean | Promise<boolean>,
): Promise<Settled> {
  const base = { db: fromPostgres(sql), ...ports, clock: systemClock, newId: randomUUID };
  const deadline = Date.now() + maxMs;
  let rounds = 0;
  let lastRound = "";
  while (Date.now() < deadline) {
    rounds++;
    try {
      const s = await runBrazeScheduler(base, settings.scheduler, `settle-${rounds}`);
      const r = await runBrazeReconcile(base, settings.reconcile, `settle-${rounds}`);
      lastRound = JSON.stringify({ scheduler: s, reconcile: r });
      if (await quiet(s, r)) return { rounds, converged: true, lastRound };
    } catch (e) {
      // A killed runner's lease expires within its TTL.
      lastRound = `${e instanceof LockedError ? "locked" : "error"}: ${(e as Error).message}`;
    }
    await sleep(1000);
  }
  return { rounds, converged: false, lastRound };
}
