// Production mode: Braze lists no API-triggered schedules, so a create whose
// answer was lost stays unknown for good. If the feed then drops the match,
// the next scheduler run must not wait for the unknown create to resolve
// (the schedule, if Braze made it, would deliver at its old time): the row is
// cancelled in the ledger alone (there is no schedule id to delete), and the
// delivery guard refuses the lost attempt's key when its push renders.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runBrazeScheduler } from "../../../src/shared/jobs/braze-scheduler/run.ts";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(3);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, env: { BRAZE_TIMEOUT_MS: "500" } });
});
afterAll(() => stack.close());

it("cancels the unknown create without a Braze call and the guard refuses its schedule at send time", async () => {
  await stack.brazeSim.faults({ timeoutAfterCommit: { next: 1, endpoint: "create" } });
  expect((await stack.runScheduler()).body).toMatchObject({ outcome: "completed", created: 2, uncertain: 1 });
  const [uncertain] = await stack.database.sql<{ id: string; match_id: string; guard_key: string }[]>`
    select id, match_id, guard_key::text from app_private.schedule_ledger where status = 'uncertain'`;
  // Braze did make it: the lost answer's schedule is there, carrying the key.
  const lost = (await stack.liveSchedules()).filter((s) => s.trigger_properties.guard_key === uncertain!.guard_key);
  expect(lost).toHaveLength(1);

  await stack.footballSim.deleteMatch(Number(uncertain!.match_id));
  const writesBefore = (await stack.brazeWrites()).length;
  // The next run in production mode (no listing), against the same database and simulators.
  const { ports, settings } = stack.core({ settings: { listing: false } });
  expect(await runBrazeScheduler(ports, settings, "next-run")).toMatchObject({
    outcome: "completed",
    cancelled: 1,
    created: 0,
    unchanged: 2,
    skipped: 0,
  });
  expect((await stack.brazeWrites()).length).toBe(writesBefore);

  const [row] = await stack.database.sql`
    select status, uncertain_op from app_private.schedule_ledger where id = ${uncertain!.id}`;
  expect(row).toEqual({ status: "cancelled", uncertain_op: null });

  // At its send time the lost schedule's push asks the guard with its key.
  await stack.database.sql`update app_private.schedule_ledger set send_at = now() where id = ${uncertain!.id}`;
  const answer = await stack.database.db.rpc<{ send: boolean; reason: string }>("braze_send_guard", {
    p_key: uncertain!.guard_key,
    p_tolerance_seconds: 600,
  });
  expect(answer).toEqual({ send: false, reason: "match cancelled" });
});
