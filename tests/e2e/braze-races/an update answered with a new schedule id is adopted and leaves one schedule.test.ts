// Braze answers an update with a different schedule id.
// The ledger adopts the new id; nothing keeps or deletes the wrong one.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(2) as { id: number; utcDate: string }[];
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, listing: true });
  expect((await stack.runScheduler()).body).toMatchObject({ created: 2 });
});
afterAll(() => stack.close());

it("owns the new id, and a second run and reconcile change nothing", async () => {
  const [before] = await stack.database
    .sql`select braze_schedule_id from app_private.schedule_ledger where match_id = ${matches[0]!.id}`;
  const moved = { id: matches[0]!.id, utcDate: new Date(Date.parse(matches[0]!.utcDate) + 30 * 60_000).toISOString() };
  await stack.footballSim.patchMatch(moved.id, { utcDate: moved.utcDate });
  await stack.brazeSim.faults({ newIdOnUpdate: true });

  expect((await stack.runScheduler()).body).toMatchObject({ updated: 1 });
  const [after] = await stack.database
    .sql`select braze_schedule_id from app_private.schedule_ledger where match_id = ${moved.id}`;
  expect(after!.braze_schedule_id).not.toBe(before!.braze_schedule_id);

  const callsBefore = (await stack.brazeSim.state()).calls.length;
  expect((await stack.runScheduler()).body).toMatchObject({ updated: 0, created: 0, cancelled: 0, unchanged: 2 });
  expect((await stack.runReconcile()).body).toMatchObject({ adopted: 0, cancelled: 0, recreated: 0, reset: 0 });
  expect((await stack.brazeSim.state()).calls.filter((c) => !c.endpoint.includes("scheduled_broadcasts")).length).toBe(
    (await stack.brazeSim.state()).calls.slice(0, callsBefore).filter((c) =>
      !c.endpoint.includes("scheduled_broadcasts")
    ).length,
  );
  expect(await stack.assertOneOwnedSchedulePerMatch([moved, matches[1]!])).toEqual([]);
  expect([...(await stack.fireEverything()).values()]).toEqual([1, 1]);
});
