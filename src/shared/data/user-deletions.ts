// User deletion sagas (migration create_user_deletions): one row per user,
// claimed by one run at a time (the claim is a token with an expiry), each step
// recorded under the claim before the next begins.
import type { Db } from "../ports.ts";

/** SQL entry points this module calls, with their argument names; tests/db/data-layer checks them against pg_proc. */
export const procedures = {
  user_deletion_request: ["p_user_id", "p_requested_by"],
  user_deletion_claim: ["p_user_id", "p_ttl_seconds"],
  user_deletion_claim_due: ["p_ttl_seconds", "p_limit"],
  user_deletion_step_done: ["p_user_id", "p_claim", "p_step", "p_email"],
  user_deletion_pivot: ["p_user_id", "p_claim"],
  user_deletion_compensating: ["p_user_id", "p_claim", "p_error"],
  user_deletion_finish: ["p_user_id", "p_claim"],
  user_deletion_fail: ["p_user_id", "p_claim", "p_error", "p_outcome", "p_base_seconds", "p_cap_seconds"],
} as const;

export type StepName = "block" | "pivot" | "contact" | "auth";

/** A user_deletions row as every entry point returns it. */
export interface DeletionRow {
  user_id: string;
  requested_by: string;
  status: "in_progress" | "compensating" | "aborted" | "done";
  email: string | null;
  steps: Partial<Record<StepName, string>> & Record<string, unknown>;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  claim_token: string | null;
}

/** The saga a run holds: the user and the claim token every step is fenced by. */
export interface ClaimRef {
  userId: string;
  claim: string;
}

/** How a failed step is recorded: retried forward after backoff, still compensating, or aborted for good. */
export type FailOutcome = "retry" | "compensating" | "aborted";

const claimed = (ref: ClaimRef) => ({ p_user_id: ref.userId, p_claim: ref.claim });

export function userDeletions(db: Db) {
  return {
    /** Starts the saga, or returns the one already recorded. */
    request: (input: { userId: string; requestedBy: string }) =>
      db.rpc<{ row: DeletionRow }>("user_deletion_request", {
        p_user_id: input.userId,
        p_requested_by: input.requestedBy,
      }),
    /** The saga with a fresh claim, or null when another run holds it or it is finished. */
    claim: (input: { userId: string; ttlSeconds: number }) =>
      db.rpc<DeletionRow | null>("user_deletion_claim", { p_user_id: input.userId, p_ttl_seconds: input.ttlSeconds }),
    /** Claims up to `limit` sagas that are due (backoff passed, or their claim lapsed). */
    claimDue: (input: { ttlSeconds: number; limit: number }) =>
      db.rpc<DeletionRow[]>("user_deletion_claim_due", { p_ttl_seconds: input.ttlSeconds, p_limit: input.limit }),
    /** Records an outside step done (the block also records the address the contact step needs). */
    stepDone: (ref: ClaimRef, step: "block" | "contact" | "auth", email?: string | null) =>
      db.rpc<DeletionRow>("user_deletion_step_done", {
        ...claimed(ref),
        p_step: step,
        // Only the block records an address; the others leave the argument to its default.
        ...(email === undefined ? {} : { p_email: email }),
      }),
    /** The point of no return: the user's rows go in one transaction. */
    pivot: (ref: ClaimRef) => db.rpc<DeletionRow>("user_deletion_pivot", claimed(ref)),
    /** Records that the block is being undone, before the unban is sent. */
    compensating: (ref: ClaimRef, error: string) =>
      db.rpc<DeletionRow>("user_deletion_compensating", { ...claimed(ref), p_error: error }),
    finish: (ref: ClaimRef) => db.rpc<DeletionRow>("user_deletion_finish", claimed(ref)),
    /** Records a failed step and releases the claim; `retry` waits a capped exponential backoff. */
    fail: (
      ref: ClaimRef,
      input: { error: string; outcome: FailOutcome; backoffBaseSeconds: number; backoffCapSeconds: number },
    ) =>
      db.rpc<DeletionRow>("user_deletion_fail", {
        ...claimed(ref),
        p_error: input.error,
        p_outcome: input.outcome,
        p_base_seconds: input.backoffBaseSeconds,
        p_cap_seconds: input.backoffCapSeconds,
      }),
  };
}

export type UserDeletions = ReturnType<typeof userDeletions>;
