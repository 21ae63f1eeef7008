import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(10);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, env: { BRAZE_RUN_DEADLINE_SECONDS: "20" } });
});
afterAll(() => stack.close());

it("waits out no 429 reset that lies past the deadline, records nothing as unknown, and completes on the next run", async () => {
  // Three calls, then 429s whose X-RateLimit-Reset is a minute away (simulator clock).
  await stack.brazeSim.faults({ rateLimit: { remaining: 3, resetSeconds: 60 } });

  const first = await stack.runScheduler();
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ outcome: "completed", created: 3, deferred: 7, uncertain: 0, failed: 0 });
  const unresolved = await stack.database.sql`
    select match_id from app_private.schedule_ledger where status in ('creating', 'updating', 'cancelling', 'uncertain')`;
  expect(unresolved).toEqual([]);

  // The reset passes (on the simulator's clock; nothing waits a real minute).
  await stack.brazeSim.clock({ advanceBySeconds: 61 });
  const second = await stack.runScheduler();
  expect(second.body).toMatchObject({ outcome: "completed", created: 7, deferred: 0, unchanged: 3 });
  expect(await stack.assertOneOwnedSchedulePerMatch(matches as { id: number; utcDate: string }[])).toEqual([]);
});
