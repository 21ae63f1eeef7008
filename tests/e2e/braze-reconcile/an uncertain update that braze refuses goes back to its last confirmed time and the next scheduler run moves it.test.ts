// Production mode: an update whose answer was lost stays uncertain and
// reconcile repeats it. If Braze then refuses it outright (a 4xx other than
// "not found"), Braze certainly did not apply that call: the schedule keeps
// its last confirmed time, the ledger says so again, and the scheduler decides
// again. Repeating the refused call at every reconcile would leave the row
// unresolved for good (an operator needed).
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(3);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, env: { BRAZE_TIMEOUT_MS: "500" } });
  expect((await stack.runScheduler()).body).toMatchObject({ created: 3 });
});
afterAll(() => stack.close());

it("settles the refused update as failed, restoring the previous send time, and the scheduler updates it again", async () => {
  const moved = matches[1]!;
  const oldSendAt = Date.parse(moved.utcDate!) - 3_600_000;
  const newKickoff = new Date(Date.parse(moved.utcDate!) + 30 * 60_000).toISOString();
  await stack.footballSim.patchMatch(moved.id!, { utcDate: newKickoff });
  // An update is idempotent, so the client tries it four times: every try goes unanswered.
  await stack.brazeSim.faults({ timeoutAfterCommit: { next: 4, endpoint: "update" } });
  expect((await stack.runScheduler()).body).toMatchObject({ outcome: "completed", uncertain: 1 });
  const rowOf = async () =>
    (await stack.database.sql<{ status: string; send_at: Date }[]>`
      select status, send_at from app_private.schedule_ledger where match_id = ${moved.id!}`)[0]!;
  expect((await rowOf()).status).toBe("uncertain");

  // Refused before anything is applied (the simulator's fault answers 400 without writing).
  await stack.brazeSim.faults({ errors5xx: { next: 1, status: 400, endpoint: "update" } });
  const reconcile = await stack.runReconcile();
  expect(reconcile.body).toMatchObject({ outcome: "completed", mode: "ledger", failed: 1 });
  const settled = await rowOf();
  expect(settled.status).toBe("scheduled");
  expect(settled.send_at.getTime()).toBe(oldSendAt);

  // The scheduler sees the feed's time differ from the ledger's and updates again.
  expect((await stack.runScheduler()).body).toMatchObject({ outcome: "completed", updated: 1, skipped: 0 });
  const after = await rowOf();
  expect(after.status).toBe("scheduled");
  expect(after.send_at.getTime()).toBe(Date.parse(newKickoff) - 3_600_000);
  expect(
    await stack.assertOneOwnedSchedulePerMatch(
      matches.map((m) => (m.id === moved.id ? { id: m.id!, utcDate: newKickoff } : { id: m.id!, utcDate: m.utcDate! })),
    ),
  ).toEqual([]);
});
