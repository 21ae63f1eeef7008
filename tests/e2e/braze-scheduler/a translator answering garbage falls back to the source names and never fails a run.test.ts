import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(3);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, env: { BRAZE_LOCALES: "en,de" } });
});
afterAll(() => stack.close());

for (const garbage of ["empty", "nul", "long"] as const) {
  it(`completes with source names in every locale when translations come back ${garbage}`, async () => {
    await stack.database.sql`delete from app_private.schedule_ledger`;
    await stack.brazeSim.reset();
    await stack.translatorSim.reset();
    await stack.translatorSim.faults({ garbage });

    const run = await stack.runScheduler();
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ outcome: "completed", created: 3, translation_fallbacks: 6 });
    for (const schedule of await stack.liveSchedules()) {
      const teams = schedule.trigger_properties.teams as Record<string, { home_team: string }>;
      expect(teams.de!.home_team).toBe(teams.en!.home_team);
    }
    expect(await stack.database.sql`select * from app_private.translation_cache`).toEqual([]);
  });
}
