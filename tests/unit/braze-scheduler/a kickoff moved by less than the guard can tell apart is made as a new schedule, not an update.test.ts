// An update keeps the schedule's guard key (Braze may ignore
// trigger_properties on update). If its answer is lost and it never reached
// Braze, the schedule fires at its old time, and the guard judges that fire
// only by its distance from the row's (new) send time: a move within the
// guard's tolerance would be delivered at the old time. Such a move is made
// as a new schedule under a new key instead, which supersedes the old key
// when it begins; a larger move stays an update (the guard refuses the old
// time). The bound is the tolerance plus a minute for Braze asking late.
import { expect, it } from "vitest";
import { planSchedules } from "../../../src/shared/jobs/braze-scheduler/plan.ts";
import { match, NOW, scheduledRow, SETTINGS } from "./fixtures.ts";

const before = match(1, "2026-11-25T15:00:00Z");
const settings = { ...SETTINGS, guardToleranceSeconds: 600 };

it("replaces the schedule for a move up to the tolerance plus a minute and updates it beyond", () => {
  const plan = (kickoff: string) => planSchedules([match(1, kickoff)], [scheduledRow(before)], NOW, settings)[0];
  expect(plan("2026-11-25T15:05:00Z")).toMatchObject({ kind: "replace", row: { id: 10 } });
  expect(plan("2026-11-25T14:49:00Z")).toMatchObject({ kind: "replace", row: { id: 10 } });
  expect(plan("2026-11-25T15:11:00Z")).toMatchObject({ kind: "replace", row: { id: 10 } });
  expect(plan("2026-11-25T15:12:00Z")).toMatchObject({ kind: "update", row: { id: 10 } });
  expect(plan("2026-11-25T14:48:00Z")).toMatchObject({ kind: "update", row: { id: 10 } });
});

it("follows the configured tolerance", () => {
  const [action] = planSchedules([match(1, "2026-11-25T15:03:00Z")], [scheduledRow(before)], NOW, {
    ...SETTINGS,
    guardToleranceSeconds: 60,
  });
  expect(action).toMatchObject({ kind: "update" });
});
