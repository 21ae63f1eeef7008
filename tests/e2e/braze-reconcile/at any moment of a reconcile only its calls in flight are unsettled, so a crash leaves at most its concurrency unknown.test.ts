// A crash can strike reconcile at any moment, as it can the scheduler; what
// it leaves with an unknown outcome is what the ledger holds between states at
// that moment. Production mode (no listing): each uncertain create is made
// again under a new guard key, so each needs an intent written before its
// call. Sampled as each create starts: only the batch in flight may be
// between states, never creates planned for later batches.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runBrazeReconcile } from "../../../src/shared/jobs/braze-reconcile/run.ts";
import { reconcileSettingsSchema } from "../../../src/shared/jobs/braze-reconcile/settings.ts";
import {
  CAMPAIGN_ID,
  type SchedulerStack,
  startSchedulerStack,
  unsettledAtEachCreate,
  upcomingMatches,
} from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(8);
const UNCERTAIN = 6;
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, env: { BRAZE_TIMEOUT_MS: "500" } });
});
afterAll(() => stack.close());

it("keeps at most its concurrency of rows between states while its creates are in flight", async () => {
  // Braze makes these creates but their answers never arrive: uncertain creates.
  await stack.brazeSim.faults({ timeoutAfterCommit: { next: UNCERTAIN, endpoint: "create" } });
  expect((await stack.runScheduler()).body).toMatchObject({ outcome: "completed", uncertain: UNCERTAIN });

  const { ports } = stack.core();
  // No listing, as in production mode.
  const { braze, unsettled } = unsettledAtEachCreate(ports.braze, stack.database.sql);
  const settings = reconcileSettingsSchema.parse({
    campaignId: CAMPAIGN_ID,
    graceSeconds: 0,
    listLagSeconds: 0,
    concurrency: 2,
  });

  const outcome = await runBrazeReconcile(
    { db: ports.db, braze, clock: ports.clock, newId: ports.newId },
    settings,
    "holder-reconcile",
  );

  expect(outcome).toMatchObject({ mode: "ledger", retried: UNCERTAIN, failed: 0 });
  expect(unsettled).toHaveLength(UNCERTAIN);
  expect(Math.max(...unsettled)).toBeLessThanOrEqual(settings.concurrency);
  const [left] = await stack.database.sql<{ n: number }[]>`
    select count(*)::int as n from app_private.schedule_ledger where status <> 'scheduled'`;
  expect(left!.n).toBe(0);
});
