// Leases and job runs (migration create_job_leases_and_runs): a job takes its
// lease and records its run in one round trip, renews the lease while it
// works, and finishes the run (which releases the lease). Every call goes
// through the one Db.rpc seam, so fault-injecting fakes still see each call.
import type { Db } from "../ports.ts";

/** SQL entry points this module calls, with their argument names; tests/db/data-layer checks them against pg_proc. */
export const procedures = {
  begin_job_run: ["p_job", "p_lease", "p_holder", "p_ttl_seconds"],
  renew_job_lease: ["p_job", "p_token", "p_ttl_seconds"],
  finish_job_run: ["p_run_id", "p_outcome", "p_counts", "p_error"],
} as const;

/**
 * What the database granted: the fencing token and the expiry it set, with its
 * own clock's now, so the caller measures the span on the database's clock.
 */
export interface LeaseGrant {
  token?: number;
  expires_at?: string;
  now?: string;
}

/** begin_job_run's answer: the run row's id, and the grant when the lease was free. */
export interface BeginResult extends LeaseGrant {
  run_id: string;
  acquired: boolean;
}

/** How a run ended, as job_runs records it. */
export type RunOutcome = "completed" | "failed" | "lease_lost";

export function leases(db: Db) {
  return {
    /** Takes `lease` for `holder` if free or expired and records the run (locked runs are recorded too). */
    beginRun: (input: { job: string; lease: string; holder: string; ttlSeconds: number }) =>
      db.rpc<BeginResult>("begin_job_run", {
        p_job: input.job,
        p_lease: input.lease,
        p_holder: input.holder,
        p_ttl_seconds: input.ttlSeconds,
      }),
    /** Extends the lease held with `token`; a lease another holder took is LeaseLostError. */
    renew: (input: { lease: string; token: number; ttlSeconds: number }) =>
      db.rpc<LeaseGrant>("renew_job_lease", {
        p_job: input.lease,
        p_token: input.token,
        p_ttl_seconds: input.ttlSeconds,
      }),
    /** Records the run's outcome and counts and releases its lease. */
    finishRun: (
      input: { runId: string; outcome: RunOutcome; counts: Record<string, unknown>; error?: string },
    ) =>
      db.rpc<unknown>("finish_job_run", {
        p_run_id: input.runId,
        p_outcome: input.outcome,
        p_counts: input.counts,
        // Absent, not null, on success: the argument has a default (null).
        ...(input.error === undefined ? {} : { p_error: input.error }),
      }),
  };
}

export type Leases = ReturnType<typeof leases>;
