import { afterAll, beforeAll, expect, it } from "vitest";
import { simulatedTranslation } from "../../../dev/sim/translator.ts";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(4);
beforeAll(async () => {
  // A 3-second lease and a translator taking 2 s per call, for two locales:
  // the run lasts longer than the TTL and must keep its lease by renewing it.
  stack = await startSchedulerStack({ matches, env: { BRAZE_LOCALES: "en,de,es", BRAZE_LEASE_TTL_SECONDS: "5" } });
  await stack.translatorSim.faults({ latencyMs: 2_000 });
});
afterAll(() => stack.close());

it("carries every locale's team names, survives a run longer than the lease TTL, and caches them", async () => {
  const first = await stack.runScheduler();
  expect(first.body).toMatchObject({ outcome: "completed", created: 4, translator_calls: 2, translation_fallbacks: 0 });
  const schedule = (await stack.liveSchedules()).find((s) => Number(s.trigger_properties.match_id) === matches[0]!.id)!;
  expect(schedule.trigger_properties.teams).toEqual({
    en: { home_team: "Home 0 FC", away_team: "Away 0 FC" },
    de: { home_team: simulatedTranslation("Home 0 FC", "DE"), away_team: simulatedTranslation("Away 0 FC", "DE") },
    es: { home_team: simulatedTranslation("Home 0 FC", "ES"), away_team: simulatedTranslation("Away 0 FC", "ES") },
  });
  expect((await stack.translatorSim.state()).calls).toBe(2);

  // A kickoff moves: the update needs the same names again, from the cache.
  await stack.footballSim.patchMatch(matches[1]!.id!, {
    utcDate: new Date(Date.parse(matches[1]!.utcDate!) + 30 * 60_000).toISOString(),
  });
  const second = await stack.runScheduler();
  expect(second.body).toMatchObject({ outcome: "completed", updated: 1, translator_calls: 0 });
  expect((await stack.translatorSim.state()).calls).toBe(2);
  const runs = await stack.database.sql`select outcome from app_private.job_runs order by started_at`;
  expect(runs.map((r) => r.outcome)).toEqual(["completed", "completed"]);
});
