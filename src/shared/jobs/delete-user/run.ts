// The two ways a saga moves: a deletion request (start or join, then advance
// if no other run holds it) and the resumer (advance every saga that is due,
// under a lease so two cron runs never overlap).
import { userDeletions } from "../../data/user-deletions.ts";
import { LeaseLostError } from "../../errors.ts";
import { withLease } from "../lease.ts";
import { advanceSaga } from "./saga.ts";
import { type DeletionPorts, type DeletionRow, type SagaSettings, stepsDone } from "./types.ts";

export interface DeletionOutcome {
  user_id: string;
  status: DeletionRow["status"];
  steps_done: string[];
  /** False when another run holds the saga right now: this request joined it. */
  advanced: boolean;
  last_error: string | null;
}

const outcomeOf = (row: DeletionRow, advanced: boolean): DeletionOutcome => ({
  user_id: row.user_id,
  status: row.status,
  steps_done: stepsDone(row),
  advanced,
  last_error: row.last_error,
});

export async function requestDeletion(
  ports: DeletionPorts,
  settings: SagaSettings,
  userId: string,
  requestedBy: string,
): Promise<DeletionOutcome> {
  const sql = userDeletions(ports.db);
  const requested = await sql.request({ userId, requestedBy });
  const claimed = await sql.claim({ userId, ttlSeconds: settings.claimTtlSeconds });
  if (!claimed) return outcomeOf(requested.row, false);
  return outcomeOf(await advanceSaga(ports, claimed, settings), true);
}

export interface ResumeSettings extends SagaSettings {
  batchSize: number;
  leaseTtlSeconds: number;
}

export async function resumeDeletions(ports: DeletionPorts, settings: ResumeSettings, holder: string) {
  // The outcomes name users, so they go to the caller only: the counts are
  // stored in job_runs, which must hold nothing of a deleted user.
  const items: DeletionOutcome[] = [];
  const { runId, counts } = await withLease(
    ports.db,
    { job: "delete-user-resume", lease: "delete-user-resume", holder, ttlSeconds: settings.leaseTtlSeconds },
    async (lease) => {
      const counts = { claimed: 0, done: 0, retrying: 0, aborted: 0, compensating: 0, lost: 0 };
      lease.progress = counts;
      const due = await userDeletions(ports.db).claimDue({
        ttlSeconds: settings.claimTtlSeconds,
        limit: settings.batchSize,
      });
      counts.claimed = due.length;
      for (const row of due) {
        lease.assertLive();
        let after: DeletionRow;
        try {
          after = await advanceSaga(ports, row, settings);
        } catch (e) {
          // A request took the saga over after our claim lapsed; it finishes it.
          if (!(e instanceof LeaseLostError)) throw e;
          counts.lost++;
          continue;
        }
        if (after.status === "done") counts.done++;
        else if (after.status === "aborted") counts.aborted++;
        else if (after.status === "compensating") counts.compensating++;
        else counts.retrying++;
        items.push(outcomeOf(after, true));
      }
      return counts;
    },
  );
  return { run_id: runId, ...counts, items };
}
