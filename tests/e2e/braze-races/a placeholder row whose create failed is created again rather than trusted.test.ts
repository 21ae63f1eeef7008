// B finds A's placeholder ('pending') row with the same
// signature and skips; A's create then fails. A design without the ledger and lease left the match
// with no schedule at all. Here the intent is never mistaken for a schedule:
// reconcile sees Braze has nothing for the attempt and the next run creates it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(1) as { id: number; utcDate: string }[];
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, listing: true });
});
afterAll(() => stack.close());

it("is not missed: exactly one schedule exists in the end, fired once", async () => {
  await stack.brazeSim.faults({ errors5xx: { next: 1, endpoint: "create" } });
  await stack.brazeSim.hold("create", 1);
  const runA = stack.runScheduler();
  await stack.brazeSim.waitHeld(1);
  await stack.expireLease();
  expect((await stack.runScheduler()).body).toMatchObject({ created: 0, skipped: 1 });
  await stack.brazeSim.release("create");
  expect((await runA).status).toBe(409);
  expect(await stack.liveSchedules()).toHaveLength(0);

  expect((await stack.runReconcile()).body).toMatchObject({ adopted: 0, reset: 1 });
  expect((await stack.runScheduler()).body).toMatchObject({ created: 1 });
  expect(await stack.assertOneOwnedSchedulePerMatch(matches)).toEqual([]);
  expect([...(await stack.fireEverything()).values()]).toEqual([1]);
});
