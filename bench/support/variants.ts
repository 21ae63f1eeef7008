// The two ways of scheduling that the benchmark compares, each wired to the
// real HTTP clients, a Braze simulator (one per workspace) and the benchmark's
// Postgres.
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
import { type NaiveOutcome, runNaiveScheduler } from "./naive-scheduler.ts";

/** The simulator and the real API both refuse a dateFrom..dateTo range over 10 days. */
export const WINDOW_DAYS = 9;

/**
 * Fresh clients for every run, as each cron-invoked edge function builds its
 * own: nothing (the create pacer included) carries over from one run to the next.
 */
function clients(urls: { brazeUrl: string; footballUrl: string }, createsPerMinute: number) {
  return {
    braze: createBrazeClient({ baseUrl: urls.brazeUrl, apiKey: DEFAULT_BRAZE_API_KEY, createsPerMinute }),
    football: createFootballDataClient({ baseUrl: urls.footballUrl, apiToken: DEFAULT_FOOTBALL_TOKEN }),
  };
}

export interface ProjectResult extends VariantResult {
  counts: SchedulerOutcome;
  byFunction: ReadonlyMap<string, number>;
}

/** (a) one run of this project's scheduler core, over the direct Db adapter, counting its RPCs. */
export async function runProject(
  sql: Sql,
  options: {
    brazeUrl: string;
    footballUrl: string;
    /** The project's create pacing (BRAZE_CREATES_PER_MINUTE). */
    createsPerMinute: number;
    campaignId: string;
    competitions: string[];
    concurrency: number;
    /** Absent: the settings default. */
    maxWritesPerRun?: number;
  },
): Promise<ProjectResult> {
  const db = countingDb(fromPostgres(sql));
  const { brazeUrl, footballUrl, createsPerMinute, ...rest } = options;
  const settings = schedulerSettingsSchema.parse({ ...rest, windowDays: WINDOW_DAYS });
  const counts = await runBrazeScheduler(
    { db, ...clients({ brazeUrl, footballUrl }, createsPerMinute), clock: systemClock, newId: randomUUID },
    settings,
    `bench-${options.campaignId}`,
  );
  return { roundTrips: db.calls, outcome: describe(counts), counts, byFunction: db.byFunction };
}

/** (b) the naive sequential select / insert / call / update loop, with no create pacing. */
export async function runNaive(
  sql: Sql,
  options: { brazeUrl: string; footballUrl: string; campaignId: string; competitions: string[] },
): Promise<VariantResult & { counts: NaiveOutcome }> {
  const { brazeUrl, footballUrl, ...rest } = options;
  const defaults = schedulerSettingsSchema.parse({ ...rest, windowDays: WINDOW_DAYS });
  const counts = await runNaiveScheduler({ sql, ...clients({ brazeUrl, footballUrl }, 0) }, defaults);
  const outcome = Object.entries({ created: counts.created, updated: counts.updated, unchanged: counts.unchanged })
    .filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(", ") || "nothing";
  return { roundTrips: counts.roundTrips, outcome, counts };
}

function describe(c: SchedulerOutcome): string {
  const parts = Object.entries({
    created: c.created,
    updated: c.updated,
    cancelled: c.cancelled,
    unchanged: c.unchanged,
    skipped: c.skipped,
    failed: c.failed,
    uncertain: c.uncertain,
    deferred: c.deferred,
  })
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  return parts.join(", ") || "nothing";
}
