// Production mode: a create whose answer was lost stays unknown for good
// (Braze lists no API-triggered schedules). When the feed re-dates the match
// meanwhile, the next scheduler run must not skip the row until reconcile's
// grace runs out: it makes the create again, under a new guard key, at the
// feed's current time. The lost attempt's schedule, if Braze made it, is
// superseded once the new one is confirmed, so the guard refuses it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runBrazeScheduler } from "../../../src/shared/jobs/braze-scheduler/run.ts";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(3);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, env: { BRAZE_TIMEOUT_MS: "500" } });
});
afterAll(() => stack.close());

it("creates the re-dated match again at its new time under a new key and supersedes the lost attempt", async () => {
  await stack.brazeSim.faults({ timeoutAfterCommit: { next: 1, endpoint: "create" } });
  expect((await stack.runScheduler()).body).toMatchObject({ outcome: "completed", created: 2, uncertain: 1 });
  const [uncertain] = await stack.database.sql<{ id: string; match_id: string; guard_key: string; send_at: Date }[]>`
    select id, match_id, guard_key::text, send_at from app_private.schedule_ledger where status = 'uncertain'`;
  const matchId = Number(uncertain!.match_id);

  const kickoff = new Date(uncertain!.send_at.getTime() + 60 * 60_000 + 3 * 60 * 60_000);
  await stack.footballSim.patchMatch(matchId, { utcDate: kickoff.toISOString() });
  // The next run in production mode (no listing), against the same database and simulators.
  const { ports, settings } = stack.core({ settings: { listing: false } });
  expect(await runBrazeScheduler(ports, settings, "next-run")).toMatchObject({
    outcome: "completed",
    created: 1,
    uncertain: 0,
    unchanged: 2,
    skipped: 0,
  });

  const newSendAt = new Date(kickoff.getTime() - 60 * 60_000).toISOString();
  const [row] = await stack.database.sql<
    { status: string; guard_key: string; braze_schedule_id: string; send_at: Date }[]
  >`
    select status, guard_key::text, braze_schedule_id, send_at from app_private.schedule_ledger where id = ${
    uncertain!.id
  }`;
  expect(row!.status).toBe("scheduled");
  expect(row!.guard_key).not.toBe(uncertain!.guard_key);
  expect(row!.send_at.toISOString()).toBe(newSendAt);

  const schedule = (await stack.liveSchedules()).find((s) => s.id === row!.braze_schedule_id)!;
  expect(Date.parse(schedule.send_at)).toBe(Date.parse(newSendAt));
  expect(schedule.trigger_properties.guard_key).toBe(row!.guard_key);

  const attempts = await stack.database.sql`
    select guard_key::text, state from app_private.schedule_attempts where ledger_id = ${
    uncertain!.id
  } order by created_at`;
  expect(attempts).toEqual([
    { guard_key: uncertain!.guard_key, state: "superseded" },
    { guard_key: row!.guard_key, state: "confirmed" },
  ]);
});
