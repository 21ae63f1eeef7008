// The maintenance run: prunes history past its retention so the tables the
// operations snapshot and the jobs read do not grow forever. Under its own
// lease (one run at a time), one bounded batch per transaction
// (maintenance_prune), until a kind has nothing left older than its
// retention, its per-run batch budget is spent, or the run's deadline passes;
// what is left is `deferred` to the next run.
import { withLease } from "../lease.ts";
import { operations, PRUNE_KINDS, type PruneKind } from "../../data/operations.ts";
import type { Clock, Db } from "../../ports.ts";

export { PRUNE_KINDS, type PruneKind };

export interface MaintenanceSettings {
  /** Retention per kind, in seconds. */
  retentionSeconds: Record<PruneKind, number>;
  batchSize: number;
  /** Batches per run for each kind (so no kind starves behind another). */
  maxBatches: number;
  leaseTtlSeconds: number;
  deadlineMs: number;
}

export interface MaintenancePorts {
  db: Db;
  clock?: Clock;
}

export interface MaintenanceOutcome extends Record<string, unknown> {
  run_id: string;
  outcome: "completed";
  pruned: Record<PruneKind, number>;
  batches: number;
  /** Kinds that still had rows past their retention when the run stopped. */
  deferred: PruneKind[];
}

export const MAINTENANCE_LEASE = "maintenance";

export async function runMaintenance(
  ports: MaintenancePorts,
  settings: MaintenanceSettings,
  holder: string,
): Promise<MaintenanceOutcome> {
  const { runId, counts } = await withLease(
    ports.db,
    {
      job: "maintenance",
      lease: MAINTENANCE_LEASE,
      holder,
      ttlSeconds: settings.leaseTtlSeconds,
      deadlineMs: settings.deadlineMs,
      clock: ports.clock,
    },
    async (lease) => {
      const pruned = Object.fromEntries(PRUNE_KINDS.map((k) => [k, 0])) as Record<PruneKind, number>;
      const deferred: PruneKind[] = [];
      let batches = 0;
      lease.progress.pruned = pruned;
      for (const kind of PRUNE_KINDS) {
        for (let spent = 0;; spent++) {
          if (spent >= settings.maxBatches || lease.pastDeadline()) {
            deferred.push(kind);
            break;
          }
          lease.assertLive();
          const removed = await operations(ports.db).prune({
            lease: MAINTENANCE_LEASE,
            token: lease.token,
            what: kind,
            olderThanSeconds: settings.retentionSeconds[kind],
            limit: settings.batchSize,
          });
          batches++;
          pruned[kind] += removed;
          if (removed < settings.batchSize) break;
        }
      }
      return { pruned, batches, deferred };
    },
  );
  return { run_id: runId, outcome: "completed", ...counts };
}
