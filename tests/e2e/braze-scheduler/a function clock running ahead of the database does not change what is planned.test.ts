import { afterAll, beforeAll, expect, it } from "vitest";
import { fixture } from "../../../dev/sim/fixtures.ts";
import { runBrazeScheduler } from "../../../src/shared/jobs/braze-scheduler/run.ts";
import { type SchedulerStack, startSchedulerStack } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
// Kickoff in three hours: the push (60 minutes before) is two hours away by the database's clock.
const kickoff = new Date(Math.ceil((Date.now() + 3 * 3_600_000) / 60_000) * 60_000).toISOString().replace(".000Z", "Z");
const match = fixture({
  id: 910_001,
  utcDate: kickoff,
  status: "TIMED",
  homeTeam: { id: 1, name: "Home FC" },
  awayTeam: { id: 2, name: "Away FC" },
});
beforeAll(async () => {
  stack = await startSchedulerStack({ matches: [match] });
});
afterAll(() => stack.close());

it("creates the match's schedule although the function's clock says its send time has passed", async () => {
  const { ports, settings } = stack.core();
  // The function's clock is two and a half hours ahead of the database's.
  ports.clock = { now: () => new Date(Date.now() + 150 * 60_000) };
  const outcome = await runBrazeScheduler(ports, settings, "skewed-holder");
  expect(outcome).toMatchObject({ created: 1, skipped: 0 });
  expect(await stack.assertOneOwnedSchedulePerMatch([{ id: match.id!, utcDate: kickoff }])).toEqual([]);
});
