import { afterAll, beforeAll, expect, it } from "vitest";
import { DbUnavailableError, LeaseLostError } from "../../../src/shared/errors.ts";
import { runBrazeScheduler } from "../../../src/shared/jobs/braze-scheduler/run.ts";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(20);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches });
});
afterAll(() => stack.close());

it("stops after the calls in flight, leaves nothing in creating, and the next run creates the rest", async () => {
  let failedRenewals = 0;
  const { ports, settings } = stack.core({
    settings: { leaseTtlSeconds: 5, concurrency: 2 },
    wrapDb: (db) => ({
      rpc: async <T>(fn: string, args?: Record<string, unknown>) => {
        if (fn === "renew_job_lease") {
          failedRenewals++;
          throw new DbUnavailableError("renew_job_lease: connection reset");
        }
        return db.rpc<T>(fn, args);
      },
    }),
  });
  // Park the run inside its first create until its renewal (every TTL/3) has failed.
  await stack.brazeSim.hold("create", 1);
  const run = runBrazeScheduler(ports, settings, "holder-a").catch((e: unknown) => e);
  await stack.brazeSim.waitHeld(1);
  // A failed renewal is retried once at once; wait for both (bounded, so a
  // run that never retries fails on the assertions below, not on a timeout).
  for (let polls = 0; failedRenewals < 2 && polls < 500; polls++) await new Promise((r) => setTimeout(r, 20));
  await stack.brazeSim.release("create");
  expect(await run).toBeInstanceOf(LeaseLostError);

  const stranded = await stack.database.sql`
    select match_id from app_private.schedule_ledger where status in ('creating', 'updating', 'cancelling', 'uncertain')`;
  expect(stranded).toEqual([]);
  expect((await stack.brazeWrites()).length).toBeLessThanOrEqual(settings.concurrency);

  const next = await stack.runScheduler();
  expect(next.body).toMatchObject({ outcome: "completed", skipped: 0 });
  expect(await stack.assertOneOwnedSchedulePerMatch(matches as { id: number; utcDate: string }[])).toEqual([]);
});
