import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const [a, b, c] = upcomingMatches(3);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches: [a!, b!] });
});
afterAll(() => stack.close());

it("creates the re-dated match and a new match in one run, keeping the old row as sent", async () => {
  expect((await stack.runScheduler()).body).toMatchObject({ created: 2 });

  // Match a's push went out: its send time is behind the database clock.
  await stack.database.sql`
    update app_private.schedule_ledger set send_at = now() - interval '1 minute', kickoff_at = now() + interval '59 minutes'
     where match_id = ${a!.id!}`;
  // Then it is postponed to a new date, and a new match enters the feed.
  const redated = new Date(Date.parse(b!.utcDate!) + 86_400_000).toISOString().replace(".000Z", "Z");
  await stack.footballSim.patchMatch(a!.id!, { utcDate: redated });
  await stack.footballSim.addMatch(c!);

  const second = await stack.runScheduler();
  expect(second.status).toBe(200);
  expect(second.body).toMatchObject({ outcome: "completed", created: 2, unchanged: 1 });
  const rows = await stack.database.sql<{ match_id: string; status: string }[]>`
    select match_id::text, status from app_private.schedule_ledger order by match_id, id`;
  expect(rows.map((r) => [Number(r.match_id), r.status])).toEqual([
    [a!.id, "sent"],
    [a!.id, "scheduled"],
    [b!.id, "scheduled"],
    [c!.id, "scheduled"],
  ]);
  const sendTimes = (await stack.liveSchedules()).filter((s) => Number(s.trigger_properties.match_id) === a!.id).map((
    s,
  ) => s.send_at);
  expect(sendTimes).toContain(new Date(Date.parse(redated) - 60 * 60_000).toISOString());
});
