// braze-scheduler's environment: validated, mapped to settings and adapters
// once per isolate (perIsolate), so the database pool outlives a single
// request; the Braze client is the run's own (withRunBrazeClient).
import { z } from "zod";
import { csv, httpUrl, intIn, optional, perIsolate, secret } from "../../config.ts";
import { dbFromEnv } from "../../db/from-env.ts";
import { ConfigError } from "../../errors.ts";
import { createDeepLClient } from "../../providers/deepl/client.ts";
import { createFootballDataClient } from "../../providers/football-data/client.ts";
import { systemClock } from "../../ports.ts";
import { brazeEnvSchema, withRunBrazeClient } from "../braze/env.ts";
import { guardToleranceSeconds } from "../braze-send-guard/env.ts";
import type { SchedulerPorts } from "./run.ts";
import { type SchedulerSettings, schedulerSettingsSchema } from "./settings.ts";

export const schedulerEnvSchema = brazeEnvSchema.extend({
  BRAZE_MAX_WRITES_PER_RUN: optional(intIn(1, 10_000)),
  /** Seconds after which a run starts no new call and defers the rest; inside the worker's wall-clock limit. */
  BRAZE_RUN_DEADLINE_SECONDS: optional(intIn(5, 3600)),
  FOOTBALL_DATA_URL: httpUrl.default("https://api.football-data.org"),
  FOOTBALL_DATA_TOKEN: secret(),
  FOOTBALL_COMPETITIONS: csv.default(["PL", "PD"]),
  BRAZE_LEAD_MINUTES: optional(intIn(0, 24 * 60)),
  BRAZE_UPDATE_BUFFER_MINUTES: optional(intIn(0, 24 * 60)),
  BRAZE_GUARD_TOLERANCE_SECONDS: guardToleranceSeconds,
  BRAZE_WINDOW_DAYS: optional(intIn(1, 60)),
  BRAZE_TEMPLATE_VERSION: optional(z.string().min(1).max(50)),
  BRAZE_LOCALES: csv.default(["en"]),
  TRANSLATION_BUDGET_SECONDS: optional(intIn(1, 600)),
  DEEPL_API_URL: httpUrl.default("https://api.deepl.com"),
  DEEPL_API_KEY: optional(secret()),
});

export type SchedulerEnv = z.infer<typeof schedulerEnvSchema>;

const perIsolateConfig = perIsolate(
  schedulerEnvSchema,
  (env) => {
    const settings: SchedulerSettings = schedulerSettingsSchema.parse({
      campaignId: env.BRAZE_CAMPAIGN_ID,
      competitions: env.FOOTBALL_COMPETITIONS,
      leadMinutes: env.BRAZE_LEAD_MINUTES,
      updateBufferMinutes: env.BRAZE_UPDATE_BUFFER_MINUTES,
      guardToleranceSeconds: env.BRAZE_GUARD_TOLERANCE_SECONDS,
      windowDays: env.BRAZE_WINDOW_DAYS,
      concurrency: env.BRAZE_CONCURRENCY,
      leaseTtlSeconds: env.BRAZE_LEASE_TTL_SECONDS,
      templateVersion: env.BRAZE_TEMPLATE_VERSION,
      locales: env.BRAZE_LOCALES,
      translationBudgetSeconds: env.TRANSLATION_BUDGET_SECONDS,
      maxWritesPerRun: env.BRAZE_MAX_WRITES_PER_RUN,
      runDeadlineSeconds: env.BRAZE_RUN_DEADLINE_SECONDS,
      listing: env.BRAZE_LISTING,
    });
    if (settings.locales.length > 1 && !env.DEEPL_API_KEY) {
      throw new ConfigError("BRAZE_LOCALES lists more than one locale, so DEEPL_API_KEY is required");
    }
    const ports: Omit<SchedulerPorts, "braze"> = {
      db: dbFromEnv(env),
      football: createFootballDataClient({ baseUrl: env.FOOTBALL_DATA_URL, apiToken: env.FOOTBALL_DATA_TOKEN }),
      translator: env.DEEPL_API_KEY
        ? createDeepLClient({ baseUrl: env.DEEPL_API_URL, apiKey: env.DEEPL_API_KEY })
        : undefined,
      clock: systemClock,
      newId: () => crypto.randomUUID(),
    };
    return { env, settings, ports };
  },
);

/** The job's configuration with a Braze client of the run's own (withRunBrazeClient says why). */
export function schedulerFromEnv(
  source?: Record<string, string | undefined>,
): { env: SchedulerEnv; settings: SchedulerSettings; ports: SchedulerPorts } {
  return withRunBrazeClient(perIsolateConfig(source));
}
