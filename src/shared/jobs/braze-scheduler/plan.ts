// The scheduler's decision, as a pure function of the feed, the ledger and the
// time. Nothing here performs I/O, so every branch is unit-tested directly.
import type { LedgerRow } from "../../data/ledger.ts";
import type { Match } from "../../ports.ts";
import type { SchedulerSettings } from "./settings.ts";
import { contentOf, type MatchNotification, notificationFor } from "./signature.ts";

export type { LedgerRow };

/** Fixtures in these states will be played as scheduled (football-data.org v4 statuses). */
export const SCHEDULABLE_STATUSES = new Set(["SCHEDULED", "TIMED"]);

export type SkipReason =
  | "inside_update_buffer"
  | "too_late_to_create"
  | "unresolved_row"
  | "missing_teams";

export type PlannedAction =
  | {
    kind: "create";
    notification: MatchNotification;
    revive?: LedgerRow;
    /**
     * A create whose outcome is unknown, made again under a new guard key
     * with the feed's current target (ledger_begin's retry_create).
     */
    retry?: LedgerRow;
  }
  /** Only the send time changed, by more than the guard's tolerance and a minute: Braze's update moves it. */
  | { kind: "update"; notification: MatchNotification; row: LedgerRow }
  /**
   * What the push says changed (team names, template version, locales).
   * Braze documents only campaign_id, schedule_id and schedule for
   * /campaigns/trigger/schedule/update
   * (https://www.braze.com/docs/api/endpoints/messaging/schedule_messages/post_update_scheduled_triggered_campaigns/),
   * so an update may keep the old trigger_properties: a new schedule is made
   * under a new guard key and the old one deleted (and refused by the guard
   * once the new one is confirmed). A move of the time too small for the
   * guard to tell the old time from the new goes the same way.
   */
  | { kind: "replace"; notification: MatchNotification; row: LedgerRow }
  | { kind: "cancel"; row: LedgerRow; reason: "left_feed" | "not_schedulable" | "out_of_window" }
  | { kind: "unchanged"; matchId: number }
  | { kind: "skip"; matchId: number; reason: SkipReason };

const MINUTE = 60_000;
const INTERMEDIATE = new Set(["creating", "updating", "cancelling", "uncertain"]);

/**
 * A create whose outcome is unknown (answer lost, or left creating by a
 * crash) and that holds no earlier schedule. Braze cannot list API-triggered
 * schedules nor make a create idempotent, so waiting cannot resolve it; the
 * delivery guard makes acting on it safe: a cancelled row's keys are all
 * refused, and of two schedules of one row at most one claims the delivery.
 * A replacement whose create is unknown still holds the old schedule's id and
 * is left to reconcile. Only without a listing (SchedulerSettings.listing):
 * with one, reconcile adopts the schedule by its attempt id instead.
 */
export function isUnknownCreate(row: LedgerRow): boolean {
  return row.braze_schedule_id == null &&
    (row.status === "creating" || (row.status === "uncertain" && row.uncertain_op === "create"));
}

/**
 * The least move an update may carry: the guard's tolerance plus a minute. A
 * schedule left at its old time by an update that never reached Braze is then
 * refused at send. The minute is our margin, not a Braze figure: Braze
 * documents no bound on how late a scheduled send starts rendering (and so
 * asks the guard), and an ask late by more than the margin would pass.
 */
function distinguishableMoveMs(settings: { guardToleranceSeconds?: number }): number {
  return ((settings.guardToleranceSeconds ?? 600) + 60) * 1000;
}

export function planSchedules(
  matches: Match[],
  rows: LedgerRow[],
  now: Date,
  settings:
    & Pick<
      SchedulerSettings,
      "leadMinutes" | "updateBufferMinutes" | "windowDays" | "templateVersion" | "createMarginSeconds"
    >
    & Partial<Pick<SchedulerSettings, "guardToleranceSeconds">>
    & {
      locales?: string[];
      /** Absent or true: unknown creates are left to reconcile (SchedulerSettings.listing says why). */
      listing?: boolean;
    },
): PlannedAction[] {
  const actOnUnknown = (row: LedgerRow) => settings.listing === false && isUnknownCreate(row);
  const actions: PlannedAction[] = [];
  const rowsByMatch = new Map(rows.map((row) => [Number(row.match_id), row]));
  const windowEnd = now.getTime() + settings.windowDays * 24 * 60 * MINUTE;
  const bufferEnd = now.getTime() + settings.updateBufferMinutes * MINUTE;
  const seen = new Set<number>();
  const notSchedulable = new Set<number>();

  for (const match of matches) {
    if (seen.has(match.id)) continue; // a feed listing a match twice is still one match
    seen.add(match.id);
    const row = rowsByMatch.get(match.id);
    if (!SCHEDULABLE_STATUSES.has(match.status)) {
      notSchedulable.add(match.id);
      continue;
    }
    const notification = notificationFor(match, settings.leadMinutes, settings.templateVersion, settings.locales);
    if (!notification) {
      actions.push({ kind: "skip", matchId: match.id, reason: "missing_teams" });
      continue;
    }
    const sendAt = notification.sendAt.getTime();
    if (notification.kickoffAt.getTime() > windowEnd) continue; // handled below as out of window
    if (sendAt <= now.getTime()) {
      // Too late for this match whatever the ledger says: the send time passed.
      if (!row) actions.push({ kind: "skip", matchId: match.id, reason: "too_late_to_create" });
      else if (row.status === "scheduled") actions.push({ kind: "unchanged", matchId: match.id });
      else actions.push({ kind: "skip", matchId: match.id, reason: "unresolved_row" });
      continue;
    }

    if (!row || row.status === "failed") {
      if (sendAt < now.getTime() + settings.createMarginSeconds * 1000) {
        actions.push({ kind: "skip", matchId: match.id, reason: "too_late_to_create" });
      } else {
        actions.push({ kind: "create", notification, ...(row ? { revive: row } : {}) });
      }
    } else if (actOnUnknown(row)) {
      // Made again now with the feed's current time and content: a match
      // re-dated while its create was unknown must not keep the old time. The
      // earlier attempt's schedule, if Braze has it, fires at the old time
      // and is refused as far from send_at, or at the same time and only one
      // of the two claims the delivery.
      if (sendAt < now.getTime() + settings.createMarginSeconds * 1000) {
        actions.push({ kind: "skip", matchId: match.id, reason: "too_late_to_create" });
      } else {
        actions.push({ kind: "create", notification, retry: row });
      }
    } else if (INTERMEDIATE.has(row.status)) {
      // Left by a crash or an unknown update or cancel: reconcile resolves it
      // from the attempt id; acting on it here could move or keep the wrong
      // schedule.
      actions.push({ kind: "skip", matchId: match.id, reason: "unresolved_row" });
    } else if (row.signature === notification.signature) {
      actions.push({ kind: "unchanged", matchId: match.id });
    } else if (Math.min(sendAt, Date.parse(row.send_at)) < bufferEnd) {
      // Braze may already be preparing the send: changing it now could send
      // the old and the new message, or neither.
      actions.push({ kind: "skip", matchId: match.id, reason: "inside_update_buffer" });
    } else if (
      contentOf(row.signature) === contentOf(notification.signature) &&
      Math.abs(sendAt - Date.parse(row.send_at)) > distinguishableMoveMs(settings)
    ) {
      actions.push({ kind: "update", notification, row });
    } else {
      // What the push says changed, or the time moved by less than the guard
      // can tell apart: an update keeps the schedule's guard key, so if its
      // answer were lost the old schedule would fire at its old time, within
      // the guard's tolerance of the new one, and deliver early. A new
      // schedule under a new key supersedes the old key when it begins.
      actions.push({ kind: "replace", notification, row });
    }
  }

  const wanted = new Set(
    actions.flatMap((
      a,
    ) => (a.kind === "create" || a.kind === "update" || a.kind === "replace"
      ? [a.notification.matchId]
      : a.kind === "unchanged" || a.kind === "skip"
      ? [a.matchId]
      : [])
    ),
  );
  for (const row of rows) {
    const matchId = Number(row.match_id);
    if (wanted.has(matchId)) continue;
    if (INTERMEDIATE.has(row.status) && !actOnUnknown(row)) {
      actions.push({ kind: "skip", matchId, reason: "unresolved_row" });
      continue;
    }
    const reason = notSchedulable.has(matchId) ? "not_schedulable" : seen.has(matchId) ? "out_of_window" : "left_feed";
    actions.push({ kind: "cancel", row, reason });
  }
  return actions;
}
