import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(6);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches });
  expect((await stack.runScheduler()).body).toMatchObject({ created: 6 });
});
afterAll(() => stack.close());

it("updates exactly one schedule when one kickoff moves by 30 minutes", async () => {
  const moved = matches[2]!;
  const newKickoff = new Date(Date.parse(moved.utcDate!) + 30 * 60_000).toISOString();
  await stack.footballSim.patchMatch(moved.id!, { utcDate: newKickoff });
  const callsBefore = (await stack.brazeSim.state()).calls.length;

  const run = await stack.runScheduler();
  expect(run.body).toMatchObject({ outcome: "completed", created: 0, updated: 1, cancelled: 0, unchanged: 5 });
  const calls = (await stack.brazeSim.state()).calls.slice(callsBefore);
  expect(calls.map((c) => c.endpoint)).toEqual(["/campaigns/trigger/schedule/update"]);

  const live = await stack.liveSchedules();
  const schedule = live.find((s) => Number(s.trigger_properties.match_id) === moved.id)!;
  expect(Date.parse(schedule.send_at)).toBe(Date.parse(newKickoff) - 3_600_000);
  expect(live).toHaveLength(6);
});

it("cancels the schedule of a postponed match, and only that one", async () => {
  const postponed = matches[4]!;
  await stack.footballSim.patchMatch(postponed.id!, { status: "POSTPONED" });
  const run = await stack.runScheduler();
  expect(run.body).toMatchObject({ outcome: "completed", cancelled: 1, created: 0, updated: 0, unchanged: 5 });

  const live = await stack.liveSchedules();
  expect(live.map((s) => Number(s.trigger_properties.match_id))).not.toContain(postponed.id);
  expect(live).toHaveLength(5);
  const [row] = await stack.database.sql`select status from app_private.schedule_ledger where match_id = ${postponed
    .id!}`;
  expect(row!.status).toBe("cancelled");
});
