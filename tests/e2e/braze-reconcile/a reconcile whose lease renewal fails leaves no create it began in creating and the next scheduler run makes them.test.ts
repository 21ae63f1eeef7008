// Production mode: reconcile makes uncertain creates again, each under an
// intent written before its call. A run that stops (here: its lease renewal
// fails, so it can no longer prove it holds the lease) must not leave intents
// whose calls it never started as "creating": nobody could tell them from
// calls in flight. It settles them failed ("not sent"), which the scheduler
// revives, and creates planned for later batches were never begun at all.
import { afterAll, beforeAll, expect, it } from "vitest";
import { DbUnavailableError, LeaseLostError } from "../../../src/shared/errors.ts";
import { runBrazeReconcile } from "../../../src/shared/jobs/braze-reconcile/run.ts";
import { reconcileSettingsSchema } from "../../../src/shared/jobs/braze-reconcile/settings.ts";
import type { Braze, Db } from "../../../src/shared/ports.ts";
import {
  CAMPAIGN_ID,
  type SchedulerStack,
  startSchedulerStack,
  upcomingMatches,
} from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(8);
const UNCERTAIN = 6;
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, env: { BRAZE_TIMEOUT_MS: "500" } });
});
afterAll(() => stack.close());

it("settles the begun creates it did not start as failed, begins no later batch, and the next scheduler run creates them", async () => {
  await stack.brazeSim.faults({ timeoutAfterCommit: { next: UNCERTAIN, endpoint: "create" } });
  expect((await stack.runScheduler()).body).toMatchObject({ outcome: "completed", uncertain: UNCERTAIN });

  const { ports } = stack.core();
  let failedRenewals = 0;
  let begins = 0;
  const db: Db = {
    rpc: async <T>(fn: string, args?: Record<string, unknown>) => {
      if (fn === "renew_job_lease") {
        failedRenewals++;
        throw new DbUnavailableError("renew_job_lease: connection reset");
      }
      const answer = await ports.db.rpc<T>(fn, args);
      if (fn === "ledger_begin" && ++begins === 1) {
        // The first batch's intents are written; hold its answer until the
        // renewal (every TTL/3, one retry at once) has failed twice, so the
        // run stops between writing intents and starting their calls.
        for (let polls = 0; failedRenewals < 2 && polls < 500; polls++) await new Promise((r) => setTimeout(r, 20));
      }
      return answer;
    },
  };
  const inner = ports.braze;
  const braze: Braze = {
    createSchedule: (input) => inner.createSchedule(input),
    updateSchedule: (input) => inner.updateSchedule(input),
    deleteSchedule: (input) => inner.deleteSchedule(input),
  };
  const settings = reconcileSettingsSchema.parse({
    campaignId: CAMPAIGN_ID,
    graceSeconds: 0,
    listLagSeconds: 0,
    leaseTtlSeconds: 5,
    concurrency: 2,
  });
  const createsBefore = (await stack.brazeWrites()).length;

  const run = await runBrazeReconcile({ db, braze, clock: ports.clock, newId: ports.newId }, settings, "holder-r")
    .catch((e: unknown) => e);

  expect(failedRenewals).toBeGreaterThanOrEqual(2);
  expect(run).toBeInstanceOf(LeaseLostError);
  expect((await stack.brazeWrites()).length).toBe(createsBefore);
  const byStatus = await stack.database.sql<{ status: string; n: number }[]>`
    select status, count(*)::int as n from app_private.schedule_ledger group by status order by status`;
  // Two matches were created before; the first batch's two are back to "needs
  // work"; the other four were never begun and stay as they were.
  expect(byStatus).toEqual([
    { status: "failed", n: settings.concurrency },
    { status: "scheduled", n: matches.length - UNCERTAIN },
    { status: "uncertain", n: UNCERTAIN - settings.concurrency },
  ]);

  // Production mode: the scheduler revives the failed rows and makes the uncertain creates again.
  expect((await stack.runScheduler()).body).toMatchObject({ outcome: "completed", created: UNCERTAIN, skipped: 0 });
  const [left] = await stack.database.sql<{ n: number }[]>`
    select count(*)::int as n from app_private.schedule_ledger where status <> 'scheduled'`;
  expect(left!.n).toBe(0);
});
