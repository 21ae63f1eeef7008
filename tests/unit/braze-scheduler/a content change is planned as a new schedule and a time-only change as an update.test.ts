// Braze documents only campaign_id, schedule_id and schedule for a schedule
// update, so an update may leave the old trigger_properties (team names,
// template) in place. A change to what the push says must therefore make a
// new schedule (and drop the old one); only a change of time may use update.
import { expect, it } from "vitest";
import { planSchedules } from "../../../src/shared/jobs/braze-scheduler/plan.ts";
import { match, NOW, scheduledRow, SETTINGS } from "./fixtures.ts";

const before = match(1, "2026-11-25T15:00:00Z");

it("plans an update when only the kickoff moved", () => {
  const [action] = planSchedules([match(1, "2026-11-25T15:30:00Z")], [scheduledRow(before)], NOW, SETTINGS);
  expect(action).toMatchObject({ kind: "update", row: { id: 10 } });
});

it("plans a replacement when a team name changed, with or without a new time", () => {
  const renamed = match(1, "2026-11-25T15:00:00Z", { homeTeam: { id: 1, name: "Arsenal" } });
  expect(planSchedules([renamed], [scheduledRow(before)], NOW, SETTINGS)[0]).toMatchObject({
    kind: "replace",
    row: { id: 10 },
  });
  const renamedAndMoved = match(1, "2026-11-25T16:00:00Z", { homeTeam: { id: 1, name: "Arsenal" } });
  expect(planSchedules([renamedAndMoved], [scheduledRow(before)], NOW, SETTINGS)[0]).toMatchObject({
    kind: "replace",
  });
});

it("plans a replacement when the template version changed", () => {
  const [action] = planSchedules([before], [scheduledRow(before)], NOW, { ...SETTINGS, templateVersion: "v2" });
  expect(action).toMatchObject({ kind: "replace", notification: { matchId: 1 } });
});
