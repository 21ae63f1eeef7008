// The two ways of scheduling that the benchmark compares, each wired to the
// real HTTP clients, the simulators and the benchmark's Postgres.
import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import { DEFAULT_BRAZE_API_KEY } from "../../dev/sim/braze.ts";
import { DEFAULT_FOOTBALL_TOKEN } from "../../dev/sim/football-data.ts";
import { fromPostgres } from "../../src/shared/db/direct.ts";
import { runBrazeScheduler, type SchedulerOutcome } from "../../src/shared/jobs/braze-scheduler/run.ts";
import { schedulerSettingsSchema } from "../../src/shared/jobs/braze-scheduler/settings.ts";
import { systemClock } from "../../src/shared/ports.ts";
import { createBrazeClient } from "../../src/shared/providers/braze/client.ts";
import { createFootballDataClient } from "../../src/shared/providers/football-data/client.ts";
import { countingDb } from "./counting-db.ts";
import type { VariantResult } from "./measure.ts";
import { runNaiveScheduler } from "./naive-scheduler.ts";
import type { BenchStack } from "./stack.ts";

/** The simulator and the real API both refuse a dateFrom..dateTo range over 10 days. */
export const WINDOW_DAYS = 9;

function clients(stack: BenchStack) {
  return {
    braze: createBrazeClient({ baseUrl: stack.brazeUrl, apiKey: DEFAULT_BRAZE_API_KEY }),
    football: createFootballDataClient({ baseUrl: stack.footballUrl, apiToken: DEFAULT_FOOTBALL_TOKEN }),
  };
}

/** (a) this project's scheduler core, over the direct Db adapter, counting its RPCs. */
export async function runProject(
  stack: BenchStack,
  sql: Sql,
  options: { campaignId: string; competitions: string[]; concurrency: number },
): Promise<VariantResult & { counts: SchedulerOutcome; byFunction: ReadonlyMap<string, number> }> {
  const db = countingDb(fromPostgres(sql));
  const settings = schedulerSettingsSchema.parse({ ...options, windowDays: WINDOW_DAYS });
  const counts = await runBrazeScheduler(
    { db, ...clients(stack), clock: systemClock, newId: randomUUID },
    settings,
    `bench-${options.campaignId}`,
  );
  return { roundTrips: db.calls, outcome: describe(counts), counts, byFunction: db.byFunction };
}

/** (b) the seed's sequential select / insert / call / update loop. */
export async function runNaive(
  stack: BenchStack,
  sql: Sql,
  options: { campaignId: string; competitions: string[] },
): Promise<VariantResult> {
  const defaults = schedulerSettingsSchema.parse({ ...options, windowDays: WINDOW_DAYS });
  const result = await runNaiveScheduler({ sql, ...clients(stack) }, { ...defaults, campaignId: options.campaignId });
  return { roundTrips: result.roundTrips, outcome: `created ${result.created}, unchanged ${result.unchanged}` };
}

function describe(c: SchedulerOutcome): string {
  const parts = Object.entries({ created: c.created, updated: c.updated, cancelled: c.cancelled, unchanged: c.unchanged, skipped: c.skipped, failed: c.failed, uncertain: c.uncertain })
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return parts.join(", ") || "nothing";
}
