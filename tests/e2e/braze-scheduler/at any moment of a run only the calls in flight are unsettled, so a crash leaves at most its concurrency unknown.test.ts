import { afterAll, beforeAll, expect, it } from "vitest";
import { runBrazeScheduler } from "../../../src/shared/jobs/braze-scheduler/run.ts";
import {
  type SchedulerStack,
  startSchedulerStack,
  unsettledAtEachCreate,
  upcomingMatches,
} from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(10);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches });
});
afterAll(() => stack.close());

// A crash can strike at any moment; what it leaves with an unknown outcome is
// what the ledger holds between states at that moment. Sampled as each create
// starts: the batch's own intents are there, the answered batch before it
// must already be settled (it rides on this batch's begin, not on a settle
// timer that a crash would never let fire).
it("keeps at most the run's concurrency of rows between states while its creates are in flight", async () => {
  const { ports, settings } = stack.core({ settings: { concurrency: 2 } });
  const { braze, unsettled } = unsettledAtEachCreate(ports.braze, stack.database.sql);

  const outcome = await runBrazeScheduler({ ...ports, braze }, settings, "holder-a");

  expect(outcome.created).toBe(matches.length);
  expect(unsettled).toHaveLength(matches.length);
  expect(Math.max(...unsettled)).toBeLessThanOrEqual(settings.concurrency);
  const [left] = await stack.database.sql<{ n: number }[]>`
    select count(*)::int as n from app_private.schedule_ledger where status <> 'scheduled'`;
  expect(left!.n).toBe(0);
});
