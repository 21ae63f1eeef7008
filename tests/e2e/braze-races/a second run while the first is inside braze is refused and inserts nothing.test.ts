// Two runs insert a row for the same match at once. A design
// without the ledger and lease relied on the unique constraint catching it; here the second run
// cannot even start while the first holds a live lease, and the partial unique
// index (tests/db/ledger) is the second line.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(3) as { id: number; utcDate: string }[];
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, listing: true });
});
afterAll(() => stack.close());

it("answers 409 to the second run, and the first completes with one schedule per match", async () => {
  await stack.brazeSim.hold("create", 1);
  const first = stack.runScheduler();
  await stack.brazeSim.waitHeld(1);
  const rowsBefore = await stack.database.sql`select id, status, version from app_private.schedule_ledger order by id`;

  const second = await stack.runScheduler();
  expect(second).toMatchObject({ status: 409, body: { outcome: "locked" } });
  const reconcile = await stack.runReconcile();
  expect(reconcile).toMatchObject({ status: 409, body: { outcome: "locked" } });
  expect(await stack.database.sql`select id, status, version from app_private.schedule_ledger order by id`).toEqual(
    rowsBefore,
  );

  await stack.brazeSim.release();
  expect((await first).body).toMatchObject({ outcome: "completed", created: 3 });
  expect(await stack.assertOneOwnedSchedulePerMatch(matches)).toEqual([]);
});
