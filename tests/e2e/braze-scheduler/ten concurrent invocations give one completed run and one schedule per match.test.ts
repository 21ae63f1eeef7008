import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(8);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches });
});
afterAll(() => stack.close());

it("lets exactly one of ten overlapping runs work while Braze answers slowly", async () => {
  await stack.brazeSim.faults({ latencyMs: 1000 });
  const runs = await Promise.all(Array.from({ length: 10 }, () => stack.runScheduler()));

  const completed = runs.filter((r) => r.status === 200);
  const locked = runs.filter((r) => r.status === 409);
  expect(completed).toHaveLength(1);
  expect(locked).toHaveLength(9);
  for (const r of locked) expect(r.body).toMatchObject({ outcome: "locked" });
  expect(completed[0]!.body).toMatchObject({ outcome: "completed", created: 8 });

  const live = await stack.liveSchedules();
  const perMatch = new Map<number, number>();
  for (const s of live) {
    perMatch.set(Number(s.trigger_properties.match_id), (perMatch.get(Number(s.trigger_properties.match_id)) ?? 0) + 1);
  }
  expect([...perMatch.keys()].sort()).toEqual(matches.map((m) => m.id).sort());
  expect([...perMatch.values()].every((n) => n === 1)).toBe(true);

  const history = await stack.database
    .sql`select outcome, count(*)::int as n from app_private.job_runs group by outcome order by outcome`;
  expect(history).toEqual([{ outcome: "completed", n: 1 }, { outcome: "locked", n: 9 }]);
});
