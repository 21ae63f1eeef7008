// What reconcile does about each ledger row and each Braze schedule, as a pure
// function of one ledger snapshot and (when the Braze port can list) one listing.
import type { ReconcileRow } from "../../data/ledger.ts";
import type { BrazeScheduledBroadcast } from "../../ports.ts";

export type { ReconcileRow };

/**
 * How long after its send time a create of unknown outcome can still deliver.
 * braze-send-guard lets a key claim the delivery only within
 * BRAZE_GUARD_TOLERANCE_SECONDS (at most 1,199 s) of the row's send time, so
 * past 30 minutes no schedule of the row can deliver any more: the attempt is
 * settled as failed and the row retired.
 */
export const UNKNOWN_CREATE_EXPIRES_AFTER_MS = 30 * 60_000;

/** A new schedule must start at least this far ahead for Braze to accept and send it. */
export const CREATE_MARGIN_MS = 60_000;

export type Decision =
  /** Braze has the schedule this attempt made: the ledger adopts it. */
  | { kind: "adopt"; row: ReconcileRow; scheduleId: string }
  /** The attempt certainly did not take effect: back to the last confirmed state. */
  | { kind: "reset"; row: ReconcileRow }
  /** An update's schedule is gone altogether: the row needs a new create. */
  | { kind: "lost"; row: ReconcileRow }
  /** No listing to look in: repeat the idempotent call with the row's target. */
  | { kind: "retry_update"; row: ReconcileRow }
  | { kind: "retry_cancel"; row: ReconcileRow }
  /** A cancel whose schedule Braze no longer lists: it took effect. */
  | { kind: "confirm_cancel"; row: ReconcileRow }
  /**
   * No listing to look in, and a create whose outcome is unknown: create
   * again under a new guard key. If the first schedule exists too, the
   * delivery guard lets only one of the two deliver.
   */
  | { kind: "retry_create"; row: ReconcileRow }
  /** A create of unknown outcome too close to its send time to create again: the guard decides; wait. */
  | { kind: "wait"; row: ReconcileRow }
  /** A create of unknown outcome whose send time is past any delivery: settled as failed. */
  | { kind: "expire"; row: ReconcileRow }
  /** A scheduled row whose schedule Braze no longer lists. */
  | { kind: "recreate"; row: ReconcileRow }
  /** A schedule of this campaign that no live row owns. */
  | { kind: "orphan"; scheduleId: string; attemptId?: string };

const effectiveOp = (row: ReconcileRow) =>
  row.status === "uncertain"
    ? row.uncertain_op
    : row.status === "creating"
    ? "create"
    : row.status === "updating"
    ? "update"
    : "cancel";

export function planReconcile(input: {
  unresolved: ReconcileRow[];
  live: ReconcileRow[];
  listing: BrazeScheduledBroadcast[] | null;
  campaignId: string;
  nowMs: number;
  settings: { graceSeconds: number; listLagSeconds: number };
}): { decisions: Decision[]; unchanged: number } {
  const { unresolved, live, listing, campaignId, nowMs, settings } = input;
  const decisions: Decision[] = [];

  if (!listing) {
    for (const row of unresolved) {
      const op = effectiveOp(row);
      const sendAt = Date.parse(row.send_at);
      if (op === "update") decisions.push({ kind: "retry_update", row });
      else if (op === "cancel") decisions.push({ kind: "retry_cancel", row });
      else if (sendAt > nowMs + CREATE_MARGIN_MS) decisions.push({ kind: "retry_create", row });
      else if (sendAt < nowMs - UNKNOWN_CREATE_EXPIRES_AFTER_MS) decisions.push({ kind: "expire", row });
      else decisions.push({ kind: "wait", row });
    }
    return { decisions, unchanged: live.length - unresolved.length };
  }

  const ours = listing.filter((entry) => entry.campaignId === campaignId && entry.scheduleId);
  const byAttempt = new Map<string, string>();
  const listed = new Set<string>();
  for (const entry of ours) {
    listed.add(entry.scheduleId!);
    if (entry.attemptId && !byAttempt.has(entry.attemptId)) byAttempt.set(entry.attemptId, entry.scheduleId!);
  }

  const claimed = new Set<string>();
  const unresolvedIds = new Set(unresolved.map((r) => r.id));
  for (const row of unresolved) {
    const op = effectiveOp(row);
    const attempted = byAttempt.get(row.attempt_id);
    if (op === "cancel") {
      decisions.push(
        row.braze_schedule_id && listed.has(row.braze_schedule_id)
          ? { kind: "retry_cancel", row }
          : { kind: "confirm_cancel", row },
      );
      if (row.braze_schedule_id) claimed.add(row.braze_schedule_id);
    } else if (attempted) {
      decisions.push({ kind: "adopt", row, scheduleId: attempted });
      claimed.add(attempted);
    } else if (op === "update" && row.braze_schedule_id && listed.has(row.braze_schedule_id)) {
      decisions.push({ kind: "reset", row }); // the old schedule stands: the update never landed
      claimed.add(row.braze_schedule_id);
    } else if (op === "update") {
      decisions.push({ kind: "lost", row });
    } else {
      decisions.push({ kind: "reset", row });
    }
  }

  let unchanged = 0;
  const trustAbsenceBefore = nowMs - Math.max(settings.graceSeconds, settings.listLagSeconds) * 1000;
  for (const row of live) {
    if (unresolvedIds.has(row.id)) continue;
    if (row.braze_schedule_id) claimed.add(row.braze_schedule_id);
    if (row.status !== "scheduled" || !row.braze_schedule_id) continue;
    // A listing only shows what is still to fire; judge only rows well ahead
    // of their send time and older than the listing's lag.
    const listable = Date.parse(row.send_at) > nowMs + 60_000 && Date.parse(row.updated_at) < trustAbsenceBefore;
    if (!listed.has(row.braze_schedule_id) && listable) decisions.push({ kind: "recreate", row });
    else unchanged++;
  }
  // Rows still inside the grace period own their attempt's schedule too.
  const youngAttempts = new Set(
    live.filter((r) => r.status !== "scheduled" && r.status !== "failed").map((r) => r.attempt_id),
  );

  for (const entry of ours) {
    if (claimed.has(entry.scheduleId!)) continue;
    if (entry.attemptId && youngAttempts.has(entry.attemptId)) continue;
    decisions.push({
      kind: "orphan",
      scheduleId: entry.scheduleId!,
      ...(entry.attemptId ? { attemptId: entry.attemptId } : {}),
    });
  }
  return { decisions, unchanged };
}
