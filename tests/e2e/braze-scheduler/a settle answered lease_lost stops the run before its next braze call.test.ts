import { afterAll, beforeAll, expect, it } from "vitest";
import { LeaseLostError } from "../../../src/shared/errors.ts";
import { runBrazeScheduler } from "../../../src/shared/jobs/braze-scheduler/run.ts";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
beforeAll(async () => {
  stack = await startSchedulerStack({ matches: upcomingMatches(30) });
});
afterAll(() => stack.close());

it("starts no Braze request after the database answered a settle with lease_lost", async () => {
  let requests = 0;
  let requestsWhenLost: number | undefined;
  const { ports, settings } = stack.core({
    settings: { concurrency: 1 },
    onBrazeRequest: () => requests++,
    wrapDb: (db) => ({
      rpc: async <T>(fn: string, args?: Record<string, unknown>) => {
        if (fn === "ledger_settle") {
          // Another holder took over: the fence refuses this run's token.
          await stack.expireLease();
          await stack.database.sql`delete from app_private.job_leases`;
          await db.rpc("begin_job_run", {
            p_job: "intruder",
            p_lease: args!.p_lease,
            p_holder: "holder-b",
            p_ttl_seconds: 60,
          });
          try {
            return await db.rpc<T>(fn, args);
          } finally {
            requestsWhenLost ??= requests;
          }
        }
        return db.rpc<T>(fn, args);
      },
    }),
  });
  // Slow enough that the first settle (after its 1 s window) comes while most creates are still to go.
  await stack.brazeSim.faults({ latencyMs: 100 });
  const outcome = await runBrazeScheduler(ports, settings, "holder-a").catch((e: unknown) => e);
  expect(outcome).toBeInstanceOf(LeaseLostError);
  // The message says which check stopped the run, should it be one other than the settle.
  expect(requestsWhenLost, `stopped by: ${(outcome as Error).message}`).toBeGreaterThan(0);
  expect(requestsWhenLost).toBeLessThan(30);
  expect(requests).toBe(requestsWhenLost);
});
