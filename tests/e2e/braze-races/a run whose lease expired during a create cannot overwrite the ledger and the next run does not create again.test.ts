// Run A's lease expires while its Braze create is in
// flight; run B takes the lease and finds A's intent. B must not create a
// second schedule, and A's late answer must not overwrite what B owns.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(1) as { id: number; utcDate: string }[];
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, listing: true });
});
afterAll(() => stack.close());

it("ends with one schedule, adopted from A's attempt, fired once", async () => {
  await stack.brazeSim.hold("create", 1);
  const runA = stack.runScheduler();
  await stack.brazeSim.waitHeld(1);
  await stack.expireLease();

  const runB = await stack.runScheduler();
  expect(runB.body).toMatchObject({
    outcome: "completed",
    created: 0,
    skipped: 1,
    skip_reasons: { unresolved_row: 1 },
  });

  await stack.brazeSim.release("create");
  const a = await runA;
  expect(a.status).toBe(409);
  expect(a.body).toMatchObject({ error: "lease_lost" });
  const [row] = await stack.database.sql`select status from app_private.schedule_ledger`;
  expect(row!.status).toBe("creating"); // A's answer was fenced out

  expect((await stack.runReconcile()).body).toMatchObject({ adopted: 1, cancelled: 0, reset: 0 });
  expect(await stack.assertOneOwnedSchedulePerMatch(matches)).toEqual([]);
  const creates = (await stack.brazeSim.state()).calls.filter((c) => c.endpoint.endsWith("/create"));
  expect(creates).toHaveLength(1);
  expect([...(await stack.fireEverything()).values()]).toEqual([1]);
  const runs = await stack.database
    .sql`select outcome from app_private.job_runs where job = 'braze-scheduler' order by started_at`;
  expect(runs.map((r) => r.outcome)).toEqual(["lease_lost", "completed"]);
});
