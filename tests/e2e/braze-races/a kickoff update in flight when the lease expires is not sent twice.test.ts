// A is updating a moved kickoff when its lease expires;
// B sees the same change. A design without the ledger and lease sent the update twice.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(1) as { id: number; utcDate: string }[];
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, listing: true, updateAppliesTriggerProperties: true });
  expect((await stack.runScheduler()).body).toMatchObject({ created: 1 });
});
afterAll(() => stack.close());

it("sends one update, and the ledger ends at the new time", async () => {
  // Thirty minutes: more than the guard can confuse with the old time, so an update, not a new schedule.
  const moved = { id: matches[0]!.id, utcDate: new Date(Date.parse(matches[0]!.utcDate) + 30 * 60_000).toISOString() };
  await stack.footballSim.patchMatch(moved.id, { utcDate: moved.utcDate });
  await stack.brazeSim.hold("update", 1);
  const runA = stack.runScheduler();
  await stack.brazeSim.waitHeld(1);
  await stack.expireLease();

  expect((await stack.runScheduler()).body).toMatchObject({ updated: 0, skipped: 1 });
  await stack.brazeSim.release("update");
  expect((await runA).status).toBe(409);

  expect((await stack.runReconcile()).body).toMatchObject({ adopted: 1, reset: 0 });
  expect(await stack.assertOneOwnedSchedulePerMatch([moved])).toEqual([]);
  const updates = (await stack.brazeSim.state()).calls.filter((c) => c.endpoint.endsWith("/update"));
  expect(updates).toHaveLength(1);
  expect((await stack.runScheduler()).body).toMatchObject({ updated: 0, unchanged: 1 });
  expect([...(await stack.fireEverything()).values()]).toEqual([1]);
});
