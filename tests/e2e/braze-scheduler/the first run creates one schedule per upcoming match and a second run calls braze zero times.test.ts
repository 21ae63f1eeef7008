import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(12);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches });
});
afterAll(() => stack.close());

it("creates exactly one Braze schedule per upcoming match, owned by the ledger", async () => {
  const first = await stack.runScheduler();
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ outcome: "completed", created: 12, updated: 0, cancelled: 0, failed: 0 });

  const live = await stack.liveSchedules();
  expect(live.map((s) => Number(s.trigger_properties.match_id)).sort()).toEqual(matches.map((m) => m.id).sort());
  const ledger = await stack.database
    .sql`select match_id, status, braze_schedule_id, attempt_id, send_at from app_private.schedule_ledger`;
  expect(ledger).toHaveLength(12);
  for (const row of ledger) {
    const schedule = live.find((s) => s.id === row.braze_schedule_id);
    expect(row.status).toBe("scheduled");
    expect(schedule?.trigger_properties.attempt_id).toBe(row.attempt_id);
    expect(schedule?.send_at && Date.parse(schedule.send_at)).toBe(new Date(row.send_at).getTime());
  }
  // Sent one hour (the default lead) before kickoff.
  const one = matches[0]!;
  const oneSchedule = live.find((s) => Number(s.trigger_properties.match_id) === one.id)!;
  expect(Date.parse(oneSchedule.send_at)).toBe(Date.parse(one.utcDate!) - 3_600_000);
});

it("makes zero Braze calls on an immediate second run", async () => {
  const writesBefore = (await stack.brazeSim.state()).calls.length;
  const second = await stack.runScheduler();
  expect(second.body).toMatchObject({ outcome: "completed", created: 0, updated: 0, cancelled: 0, unchanged: 12 });
  expect((await stack.brazeSim.state()).calls.length).toBe(writesBefore);
});

it("records both runs in the run history, finished and completed", async () => {
  const runs = await stack.database
    .sql`select outcome, finished_at, counts from app_private.job_runs where job = 'braze-scheduler' order by started_at`;
  expect(runs.map((r) => r.outcome)).toEqual(["completed", "completed"]);
  expect(runs[0]!.counts).toMatchObject({ created: 12 });
  expect((await stack.database.sql`select count(*)::int as n from app_private.job_leases`)[0]!.n).toBe(0);
});
