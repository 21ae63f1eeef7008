// Reconcile lists Braze while the scheduler's create is
// in flight and sees a schedule the ledger does not own yet. Here reconcile
// cannot run while the scheduler holds the lease; once that lease has expired,
// a young intent still protects its attempt's schedule until the grace period.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(1) as { id: number; utcDate: string }[];
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, listing: true, env: { BRAZE_RECONCILE_GRACE_SECONDS: "300" } });
});
afterAll(() => stack.close());

it("waits out the grace period, then adopts instead of cancelling", async () => {
  await stack.brazeSim.hold("create", 1);
  const runA = stack.runScheduler();
  await stack.brazeSim.waitHeld(1);
  expect((await stack.runReconcile()).status).toBe(409);

  await stack.expireLease();
  await stack.brazeSim.release("create"); // Braze commits the schedule; A's answer is fenced out
  expect((await runA).status).toBe(409);

  // The schedule is listed, the ledger row is young: not an orphan, not adopted yet.
  expect((await stack.runReconcile()).body).toMatchObject({ adopted: 0, cancelled: 0, reset: 0 });
  expect(await stack.liveSchedules()).toHaveLength(1);

  // The grace period passes (by the database's clock).
  await stack.database.sql`update app_private.schedule_ledger set updated_at = now() - interval '10 minutes'`;
  expect((await stack.runReconcile()).body).toMatchObject({ adopted: 1, cancelled: 0 });
  expect(await stack.assertOneOwnedSchedulePerMatch(matches)).toEqual([]);
  expect([...(await stack.fireEverything()).values()]).toEqual([1]);
});
