// A's update gets a new schedule id while B runs; the
// naive design's post-run deduplication then deleted the schedule the ledger had
// just adopted. There is no sweep here: reconcile adopts by attempt id.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(1) as { id: number; utcDate: string }[];
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, listing: true, updateAppliesTriggerProperties: true });
  expect((await stack.runScheduler()).body).toMatchObject({ created: 1 });
});
afterAll(() => stack.close());

it("keeps the new schedule, deletes nothing, and fires once", async () => {
  const moved = { id: matches[0]!.id, utcDate: new Date(Date.parse(matches[0]!.utcDate) + 30 * 60_000).toISOString() };
  await stack.footballSim.patchMatch(moved.id, { utcDate: moved.utcDate });
  await stack.brazeSim.faults({ newIdOnUpdate: true });
  await stack.brazeSim.hold("update", 1);
  const runA = stack.runScheduler();
  await stack.brazeSim.waitHeld(1);
  await stack.expireLease();
  expect((await stack.runScheduler()).body).toMatchObject({ updated: 0, skipped: 1 });
  await stack.brazeSim.release("update");
  expect((await runA).status).toBe(409);

  expect((await stack.runReconcile()).body).toMatchObject({ adopted: 1, cancelled: 0 });
  const deletes = (await stack.brazeSim.state()).calls.filter((c) => c.endpoint.endsWith("/delete"));
  expect(deletes).toHaveLength(0);
  expect(await stack.assertOneOwnedSchedulePerMatch([moved])).toEqual([]);
  expect([...(await stack.fireEverything()).values()]).toEqual([1]);
});
