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
  // Answers are settled by the settle queue's timer while a batch is still
  // out, or with the next batch's begin; either one is answered lease_lost.
  const settles = (fn: string, args?: Record<string, unknown>) =>
    fn === "ledger_settle" || (fn === "ledger_begin" && (args?.p_outcomes as unknown[] | undefined)?.length);
  const { ports, settings } = stack.core({
    settings: { concurrency: 2 },
    onBrazeRequest: () => requests++,
    wrapDb: (db) => ({
      rpc: async <T>(fn: string, args?: Record<string, unknown>) => {
        if (settles(fn, args)) {
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
  // The first batch's first create is held, so its other answer waits for
  // the settle queue's timer (1 s) and is refused while the batch is out.
  await stack.brazeSim.hold("create", 1);
  const run = runBrazeScheduler(ports, settings, "holder-a").catch((e: unknown) => e);
  await stack.brazeSim.waitHeld(1);
  for (let polls = 0; requestsWhenLost === undefined && polls < 500; polls++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await stack.brazeSim.release("create");
  const outcome = await run;
  expect(outcome).toBeInstanceOf(LeaseLostError);
  // The message says which check stopped the run, should it be one other than the settle.
  expect(requestsWhenLost, `stopped by: ${(outcome as Error).message}`).toBe(settings.concurrency);
  expect(requests).toBe(requestsWhenLost);
});
