// Braze documents only campaign_id, schedule_id and schedule for a schedule
// update, and the simulator (like the pessimistic reading of Braze) keeps a
// schedule's trigger_properties on update. A renamed team sent as an update
// would go out under the old name; it must become a new schedule, with a new
// guard key, and the old schedule must go.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(3);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches });
  expect((await stack.runScheduler()).body).toMatchObject({ created: 3 });
});
afterAll(() => stack.close());

it("replaces the renamed match's schedule and leaves the others alone", async () => {
  const renamed = matches[1]!;
  const before = (await stack.liveSchedules()).find((s) => Number(s.trigger_properties.match_id) === renamed.id)!;
  await stack.footballSim.patchMatch(renamed.id!, { homeTeam: { id: 1001, name: "Renamed Rovers" } });

  const run = await stack.runScheduler();
  expect(run.body).toMatchObject({ outcome: "completed", created: 0, updated: 0, replaced: 1, unchanged: 2 });

  const live = await stack.liveSchedules();
  expect(live).toHaveLength(3);
  const now = live.find((s) => Number(s.trigger_properties.match_id) === renamed.id)!;
  expect(now.id).not.toBe(before.id);
  expect(now.trigger_properties.home_team).toBe("Renamed Rovers");
  expect(now.trigger_properties.guard_key).not.toBe(before.trigger_properties.guard_key);
  expect(now.send_at).toBe(before.send_at);

  const [row] = await stack.database.sql`
    select status, braze_schedule_id, guard_key::text from app_private.schedule_ledger where match_id = ${renamed.id!}`;
  expect(row).toEqual({ status: "scheduled", braze_schedule_id: now.id, guard_key: now.trigger_properties.guard_key });
  const attempts = await stack.database.sql`
    select a.guard_key::text, a.state from app_private.schedule_attempts a
      join app_private.schedule_ledger l on l.id = a.ledger_id where l.match_id = ${renamed.id!} order by a.created_at`;
  expect(attempts).toEqual([
    { guard_key: before.trigger_properties.guard_key, state: "superseded" },
    { guard_key: now.trigger_properties.guard_key, state: "confirmed" },
  ]);
});
