// Email broadcasts (migration create_broadcasts): an operation is begun in one
// transaction (phase one), then driven at the provider and settled with the
// operation's key and the row's version, so only the run that owns the
// operation can settle it.
import type { Db } from "../ports.ts";

/** SQL entry points this module calls, with their argument names; tests/db/data-layer checks them against pg_proc. */
export const procedures = {
  broadcast_begin: ["p_id", "p_action", "p_publish_at"],
  broadcast_record_provider_id: ["p_id", "p_version", "p_key", "p_provider_broadcast_id"],
  broadcast_confirm: ["p_id", "p_version", "p_key"],
  broadcast_rollback: ["p_id", "p_version", "p_key", "p_error", "p_to_status"],
  broadcast_mark_uncertain: ["p_id", "p_version", "p_key", "p_error"],
  broadcast_settle_to_provider: [
    "p_id",
    "p_version",
    "p_key",
    "p_provider_broadcast_id",
    "p_provider_status",
    "p_scheduled_at",
  ],
  broadcast_mark_unresolved: ["p_id", "p_version", "p_key", "p_reason"],
  broadcast_claim_stuck: ["p_grace_seconds", "p_limit"],
  // An operator's (and the tests'): write a draft, read a row, hand an
  // unresolved row back to the resolver (named in the reason it carries).
  broadcast_create: ["p_subject", "p_content_html", "p_audience_id"],
  broadcast_get: ["p_id"],
  broadcast_requeue: ["p_id"],
} as const;

/** The statement an operator runs, once they have checked the broadcast at the provider, to hand it back to the resolver. */
export function requeueStatement(id: string): string {
  return `select public.broadcast_requeue(p_id => '${id}')`;
}

export type BroadcastAction = "schedule" | "send" | "reschedule" | "cancel";

export type SendStatus =
  | "draft"
  | "scheduling"
  | "scheduled"
  | "sending"
  | "sent"
  | "rescheduling"
  | "cancelling"
  | "failed"
  | "canceled"
  | "uncertain"
  | "unresolved";

/** A broadcasts row as every entry point returns it (to_jsonb of the row). */
export interface BroadcastRow {
  id: string;
  subject: string;
  content_html: string;
  audience_id: string;
  publish_at: string | null;
  send_status: SendStatus;
  provider_broadcast_id: string | null;
  pending_action: BroadcastAction | null;
  pending_publish_at: string | null;
  previous_status: "draft" | "scheduled" | null;
  operation_key: string | null;
  attempts: number;
  last_error: string | null;
  version: number;
  updated_at: string;
}

/** broadcast_begin's answer: started (the caller owns the operation), or refused with the current row and why. */
export interface BeginAnswer {
  started: boolean;
  resumed?: boolean;
  row: BroadcastRow;
  reason?: string;
}

/** The operation a run owns: the row, the version it last saw, and the operation's key. Every settle names it. */
export interface OperationRef {
  id: string;
  version: number;
  key: string;
}

/** What the provider shows for a broadcast ("absent": it has none of ours). */
export interface ProviderView {
  providerBroadcastId: string | null;
  providerStatus: string;
  scheduledAt: string | null;
}

const owned = (ref: OperationRef) => ({ p_id: ref.id, p_version: ref.version, p_key: ref.key });

export function broadcasts(db: Db) {
  return {
    /** Phase one: marks the row in flight with a fresh operation key, or says why not. */
    begin: (input: { id: string; action: BroadcastAction; publishAt?: Date }) =>
      db.rpc<BeginAnswer>("broadcast_begin", {
        p_id: input.id,
        p_action: input.action,
        p_publish_at: input.publishAt ?? null,
      }),
    /** Records the id of the broadcast the provider just created, before anything is sent. */
    recordProviderId: (ref: OperationRef, providerBroadcastId: string) =>
      db.rpc<BroadcastRow>("broadcast_record_provider_id", {
        ...owned(ref),
        p_provider_broadcast_id: providerBroadcastId,
      }),
    /** The provider did what the operation asked. */
    confirm: (ref: OperationRef) => db.rpc<BroadcastRow>("broadcast_confirm", owned(ref)),
    /** The provider certainly refused: the row goes back to `toStatus`, what the provider now has. */
    rollback: (ref: OperationRef, input: { error: string; toStatus: "draft" | "scheduled" }) =>
      db.rpc<BroadcastRow>("broadcast_rollback", { ...owned(ref), p_error: input.error, p_to_status: input.toStatus }),
    /** The outcome is unknown: the provider's state is read back before anything else is done. */
    markUncertain: (ref: OperationRef, error: string) =>
      db.rpc<BroadcastRow>("broadcast_mark_uncertain", { ...owned(ref), p_error: error }),
    /** Moves the row to what the provider shows. */
    settleToProvider: (ref: OperationRef, view: ProviderView) =>
      db.rpc<BroadcastRow>("broadcast_settle_to_provider", {
        ...owned(ref),
        p_provider_broadcast_id: view.providerBroadcastId,
        p_provider_status: view.providerStatus,
        p_scheduled_at: view.scheduledAt,
      }),
    /** The provider could not be read within the resolver's bound: an operator takes over. */
    markUnresolved: (ref: OperationRef, reason: string) =>
      db.rpc<BroadcastRow>("broadcast_mark_unresolved", { ...owned(ref), p_reason: reason }),
    /** A new draft (an operator's or a test's: no function creates broadcasts). */
    create: (input: { subject: string; contentHtml: string; audienceId: string }) =>
      db.rpc<BroadcastRow>("broadcast_create", {
        p_subject: input.subject,
        p_content_html: input.contentHtml,
        p_audience_id: input.audienceId,
      }),
    /** The row; an unknown id is NotFoundError. */
    get: (id: string) => db.rpc<BroadcastRow>("broadcast_get", { p_id: id }),
    /** Hands an unresolved row back to the resolver with a fresh budget of attempts; any other row is ConflictError. */
    requeue: (id: string) => db.rpc<BroadcastRow>("broadcast_requeue", { p_id: id }),
    /** Takes over every row stuck in flight or uncertain for longer than the grace period. */
    claimStuck: (input: { graceSeconds: number; limit: number }) =>
      db.rpc<BroadcastRow[]>("broadcast_claim_stuck", { p_grace_seconds: input.graceSeconds, p_limit: input.limit }),
  };
}

export type Broadcasts = ReturnType<typeof broadcasts>;
