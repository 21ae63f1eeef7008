import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(3);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, listing: true, env: { BRAZE_TIMEOUT_MS: "500" } });
});
afterAll(() => stack.close());

it("records the unknown outcome as uncertain, then reconcile adopts Braze's schedule by its attempt id", async () => {
  await stack.brazeSim.faults({ timeoutAfterCommit: { next: 1, endpoint: "create" } });
  const run = await stack.runScheduler();
  expect(run.body).toMatchObject({ outcome: "completed", created: 2, uncertain: 1 });
  const [uncertain] = await stack.database
    .sql`select match_id, attempt_id from app_private.schedule_ledger where status = 'uncertain'`;
  expect(uncertain).toBeDefined();

  // The scheduler does not guess: a second run leaves the row to reconcile.
  expect((await stack.runScheduler()).body).toMatchObject({ created: 0, skipped: 1 });
  const creates = (await stack.brazeSim.state()).calls.filter((c) => c.endpoint.endsWith("/create"));
  expect(creates).toHaveLength(3);

  const reconcile = await stack.runReconcile();
  expect(reconcile.status).toBe(200);
  expect(reconcile.body).toMatchObject({
    outcome: "completed",
    mode: "listing",
    adopted: 1,
    cancelled: 0,
    recreated: 0,
    reset: 0,
  });
  expect(await stack.assertOneOwnedSchedulePerMatch(matches as { id: number; utcDate: string }[])).toEqual([]);
  const fired = await stack.fireEverything();
  expect([...fired.values()]).toEqual([1, 1, 1]);
});
