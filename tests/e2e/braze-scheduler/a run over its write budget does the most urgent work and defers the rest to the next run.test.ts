import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(10);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, env: { BRAZE_MAX_WRITES_PER_RUN: "4" } });
});
afterAll(() => stack.close());

const soonestFirst = [...matches].sort((a, b) => Date.parse(a.utcDate!) - Date.parse(b.utcDate!) || a.id! - b.id!);

it("creates the soonest matches first and finishes the rest over the next runs", async () => {
  expect((await stack.runScheduler()).body).toMatchObject({ created: 4, deferred: 6 });
  const first = (await stack.liveSchedules()).map((s) => Number(s.trigger_properties.match_id)).sort();
  expect(first).toEqual(soonestFirst.slice(0, 4).map((m) => m.id).sort());

  expect((await stack.runScheduler()).body).toMatchObject({ created: 4, deferred: 2, unchanged: 4 });
  expect((await stack.runScheduler()).body).toMatchObject({ created: 2, deferred: 0, unchanged: 8 });
  expect(await stack.assertOneOwnedSchedulePerMatch(matches as { id: number; utcDate: string }[])).toEqual([]);
});

it("puts a cancellation ahead of creates when the budget is tight", async () => {
  await stack.footballSim.patchMatch(soonestFirst[9]!.id!, { status: "POSTPONED" });
  for (let i = 0; i < 5; i++) await stack.footballSim.addMatch({ ...upcomingMatches(20)[10 + i]!, id: 800_000 + i });
  expect((await stack.runScheduler()).body).toMatchObject({ cancelled: 1, created: 3, deferred: 2 });
});
