import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planSchedules } from "../../../src/shared/jobs/braze-scheduler/plan.ts";
import { match, NOW, scheduledRow, SETTINGS } from "./fixtures.ts";

const kinds = (actions: ReturnType<typeof planSchedules>) =>
  actions.map((a) =>
    `${a.kind}:${"notification" in a ? a.notification.matchId : "row" in a ? a.row.match_id : a.matchId}${
      "reason" in a ? `:${a.reason}` : ""
    }`
  );

describe("planSchedules", () => {
  const future = match(1, "2026-11-25T15:00:00Z");

  it("creates a schedule for an upcoming match the ledger does not know", () => {
    expect(kinds(planSchedules([future], [], NOW, SETTINGS))).toEqual(["create:1"]);
  });

  it("leaves a match whose signature is unchanged alone, even with a 1-second wobble", () => {
    const wobble = match(1, "2026-11-25T15:00:01Z");
    expect(kinds(planSchedules([wobble], [scheduledRow(future)], NOW, SETTINGS))).toEqual(["unchanged:1"]);
  });

  it("updates a match whose kickoff moved", () => {
    const moved = match(1, "2026-11-25T15:30:00Z");
    const [action] = planSchedules([moved], [scheduledRow(future)], NOW, SETTINGS);
    expect(action).toMatchObject({ kind: "update", row: { id: 10 } });
  });

  it("skips a change inside the update buffer, with the reason", () => {
    const soon = match(1, "2026-11-22T11:25:00Z"); // sends 10:25, 25 min from now
    const movedSoon = match(1, "2026-11-22T11:15:00Z"); // would send 10:15: inside the 20-minute buffer
    expect(kinds(planSchedules([movedSoon], [scheduledRow(soon)], NOW, SETTINGS))).toEqual([
      "skip:1:inside_update_buffer",
    ]);
  });

  it("cancels postponed, cancelled and suspended matches", () => {
    for (const status of ["POSTPONED", "CANCELLED", "SUSPENDED"]) {
      const [action] = planSchedules(
        [match(1, "2026-11-25T15:00:00Z", { status })],
        [scheduledRow(future)],
        NOW,
        SETTINGS,
      );
      expect(action).toMatchObject({ kind: "cancel", reason: "not_schedulable" });
    }
  });

  it("cancels a match that left the feed or moved out of the window", () => {
    expect(kinds(planSchedules([], [scheduledRow(future)], NOW, SETTINGS))).toEqual(["cancel:1:left_feed"]);
    const far = match(1, "2026-12-20T15:00:00Z");
    expect(kinds(planSchedules([far], [scheduledRow(future)], NOW, SETTINGS))).toEqual(["cancel:1:out_of_window"]);
  });

  it("does not create what would send in the past or within the create margin", () => {
    expect(kinds(planSchedules([match(1, "2026-11-22T10:30:00Z")], [], NOW, SETTINGS))).toEqual([
      "skip:1:too_late_to_create",
    ]);
    expect(kinds(planSchedules([match(1, "2026-11-22T11:00:30Z")], [], NOW, SETTINGS))).toEqual([
      "skip:1:too_late_to_create",
    ]);
  });

  it("never acts on a row left in an intermediate state: reconcile owns it", () => {
    for (const status of ["creating", "updating", "cancelling", "uncertain"] as const) {
      const moved = match(1, "2026-11-25T16:00:00Z");
      expect(kinds(planSchedules([moved], [scheduledRow(future, { status })], NOW, SETTINGS))).toEqual([
        "skip:1:unresolved_row",
      ]);
      expect(kinds(planSchedules([], [scheduledRow(future, { status })], NOW, SETTINGS))).toEqual([
        "skip:1:unresolved_row",
      ]);
    }
  });

  it("revives a failed row with a new create, and cancels a failed row whose match is gone", () => {
    const failed = scheduledRow(future, { status: "failed", braze_schedule_id: null });
    expect(planSchedules([future], [failed], NOW, SETTINGS)[0]).toMatchObject({ kind: "create", revive: { id: 10 } });
    expect(kinds(planSchedules([], [failed], NOW, SETTINGS))).toEqual(["cancel:1:left_feed"]);
  });

  it("plans at most one action per match and touches no match twice (property)", () => {
    const arbMatch = fc.record({
      id: fc.integer({ min: 1, max: 30 }),
      offsetMinutes: fc.integer({ min: -120, max: 20 * 24 * 60 }),
      status: fc.constantFrom("TIMED", "SCHEDULED", "POSTPONED", "CANCELLED", "FINISHED"),
    });
    fc.assert(
      fc.property(
        fc.array(arbMatch, { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 30 }),
        (ms, ledgerIds) => {
          const matches = ms.map((m) =>
            match(m.id, new Date(NOW.getTime() + m.offsetMinutes * 60_000).toISOString(), { status: m.status })
          );
          const rows = [...new Set(ledgerIds)].map((id) => scheduledRow(match(id, "2026-11-25T15:00:00Z")));
          const ids = planSchedules(matches, rows, NOW, SETTINGS).map((a) =>
            "notification" in a ? a.notification.matchId : "row" in a ? Number(a.row.match_id) : a.matchId
          );
          expect(new Set(ids).size).toBe(ids.length);
          // Every ledger row is accounted for: nothing is silently forgotten.
          for (const row of rows) expect(ids).toContain(row.match_id);
        },
      ),
    );
  });
});
