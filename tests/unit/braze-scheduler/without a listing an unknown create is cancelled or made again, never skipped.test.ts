// Without a Braze listing nothing can ever resolve a create whose answer was
// lost, so the planner acts on it: cancelled when the feed no longer wants
// the match, made again with the feed's current target otherwise, skipped
// only when its send time is too close to create. An unknown replacement
// (it still holds its old schedule) and an unknown update or cancel stay with
// reconcile, and with a listing every unknown create does.
import { describe, expect, it } from "vitest";
import { planSchedules } from "../../../src/shared/jobs/braze-scheduler/plan.ts";
import { match, NOW, scheduledRow, SETTINGS } from "./fixtures.ts";

const LEDGER_ONLY = { ...SETTINGS, listing: false };
const future = match(1, "2026-11-25T15:00:00Z");
const unknownCreate = scheduledRow(future, { status: "uncertain", uncertain_op: "create", braze_schedule_id: null });

describe("an unknown create without a listing", () => {
  it("is cancelled when the match left the feed or is postponed, and when a crash left it creating", () => {
    expect(planSchedules([], [unknownCreate], NOW, LEDGER_ONLY)).toEqual([
      { kind: "cancel", row: unknownCreate, reason: "left_feed" },
    ]);
    const postponed = match(1, "2026-11-25T15:00:00Z", { status: "POSTPONED" });
    expect(planSchedules([postponed], [unknownCreate], NOW, LEDGER_ONLY)).toMatchObject([
      { kind: "cancel", reason: "not_schedulable" },
    ]);
    const crashLeft = { ...unknownCreate, status: "creating" as const, uncertain_op: null };
    expect(planSchedules([], [crashLeft], NOW, LEDGER_ONLY)).toMatchObject([{ kind: "cancel", row: crashLeft }]);
  });

  it("is made again at the feed's current time", () => {
    const moved = match(1, "2026-11-25T18:00:00Z");
    const [action] = planSchedules([moved], [unknownCreate], NOW, LEDGER_ONLY);
    expect(action).toMatchObject({ kind: "create", retry: { id: 10 } });
    expect(action?.kind === "create" && action.notification.sendAt.toISOString()).toBe("2026-11-25T17:00:00.000Z");
  });

  it("is skipped when its send time is inside the create margin", () => {
    const soon = match(1, "2026-11-22T11:01:00Z"); // sends 10:01, inside a 2-minute margin
    const row = scheduledRow(soon, { status: "uncertain", uncertain_op: "create", braze_schedule_id: null });
    expect(planSchedules([soon], [row], NOW, { ...LEDGER_ONLY, createMarginSeconds: 120 })).toEqual([
      { kind: "skip", matchId: 1, reason: "too_late_to_create" },
    ]);
  });

  it("is left to reconcile when it is a replacement, or when Braze lists schedules", () => {
    const replacement = { ...unknownCreate, braze_schedule_id: "sched-1" };
    expect(planSchedules([], [replacement], NOW, LEDGER_ONLY)).toEqual([
      { kind: "skip", matchId: 1, reason: "unresolved_row" },
    ]);
    expect(planSchedules([], [unknownCreate], NOW, { ...SETTINGS, listing: true })).toEqual([
      { kind: "skip", matchId: 1, reason: "unresolved_row" },
    ]);
    const unknownUpdate = { ...unknownCreate, uncertain_op: "update" as const, braze_schedule_id: "sched-1" };
    expect(planSchedules([future], [unknownUpdate], NOW, LEDGER_ONLY)).toEqual([
      { kind: "skip", matchId: 1, reason: "unresolved_row" },
    ]);
  });
});
