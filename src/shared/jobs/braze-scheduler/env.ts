// braze-scheduler's environment: validated once, mapped to settings and adapters.
import { z } from "zod";
import { dbFromSettings } from "../../db/from-env.ts";
import { commonEnvSchema, dbSettings } from "../../http/common-env.ts";
import { csv, loadEnv } from "../../http/env.ts";
import { ConfigError } from "../../errors.ts";
import { createBrazeClient } from "../../providers/braze/client.ts";
import { createDeepLClient } from "../../providers/deepl/client.ts";
import { createFootballDataClient } from "../../providers/football-data/client.ts";
import { systemClock } from "../../ports.ts";
import type { SchedulerPorts } from "./run.ts";
import { type SchedulerSettings, schedulerSettingsSchema } from "./settings.ts";

const int = z.coerce.number().int();

export const schedulerEnvSchema = commonEnvSchema.extend({
  BRAZE_REST_URL: z.url(),
  BRAZE_API_KEY: z.string().min(1),
  /** Per-request timeout; a create still unanswered then is recorded as uncertain. */
  BRAZE_TIMEOUT_MS: int.optional(),
  /** Braze's limit for broadcast schedule creates; 0 turns pacing off. */
  BRAZE_CREATES_PER_MINUTE: int.optional(),
  BRAZE_MAX_WRITES_PER_RUN: int.optional(),
  /** Seconds after which a run starts no new call and defers the rest; inside the worker's wall-clock limit. */
  BRAZE_RUN_DEADLINE_SECONDS: int.optional(),
  BRAZE_CAMPAIGN_ID: z.string().min(1),
  FOOTBALL_DATA_URL: z.url().default("https://api.football-data.org"),
  FOOTBALL_DATA_TOKEN: z.string().min(1),
  FOOTBALL_COMPETITIONS: csv.default(["PL", "PD"]),
  BRAZE_LEAD_MINUTES: int.optional(),
  BRAZE_UPDATE_BUFFER_MINUTES: int.optional(),
  BRAZE_WINDOW_DAYS: int.optional(),
  BRAZE_CONCURRENCY: int.optional(),
  BRAZE_LEASE_TTL_SECONDS: int.optional(),
  BRAZE_TEMPLATE_VERSION: z.string().optional(),
  BRAZE_LOCALES: csv.default(["en"]),
  TRANSLATION_BUDGET_SECONDS: int.optional(),
  DEEPL_API_URL: z.url().default("https://api.deepl.com"),
  DEEPL_API_KEY: z.string().min(1).optional(),
});

export type SchedulerEnv = z.infer<typeof schedulerEnvSchema>;

export function schedulerFromEnv(source?: Record<string, string | undefined>) {
  const env = loadEnv(schedulerEnvSchema, source);
  const settings: SchedulerSettings = schedulerSettingsSchema.parse({
    campaignId: env.BRAZE_CAMPAIGN_ID,
    competitions: env.FOOTBALL_COMPETITIONS,
    leadMinutes: env.BRAZE_LEAD_MINUTES,
    updateBufferMinutes: env.BRAZE_UPDATE_BUFFER_MINUTES,
    windowDays: env.BRAZE_WINDOW_DAYS,
    concurrency: env.BRAZE_CONCURRENCY,
    leaseTtlSeconds: env.BRAZE_LEASE_TTL_SECONDS,
    templateVersion: env.BRAZE_TEMPLATE_VERSION,
    locales: env.BRAZE_LOCALES,
    translationBudgetSeconds: env.TRANSLATION_BUDGET_SECONDS,
    maxWritesPerRun: env.BRAZE_MAX_WRITES_PER_RUN,
    runDeadlineSeconds: env.BRAZE_RUN_DEADLINE_SECONDS,
  });
  if (settings.locales.length > 1 && !env.DEEPL_API_KEY) {
    throw new ConfigError("BRAZE_LOCALES lists more than one locale, so DEEPL_API_KEY is required");
  }
  const ports: SchedulerPorts = {
    db: dbFromSettings(dbSettings(env)),
    braze: createBrazeClient({
      baseUrl: env.BRAZE_REST_URL,
      apiKey: env.BRAZE_API_KEY,
      timeoutMs: env.BRAZE_TIMEOUT_MS,
      createsPerMinute: env.BRAZE_CREATES_PER_MINUTE,
    }),
    football: createFootballDataClient({ baseUrl: env.FOOTBALL_DATA_URL, apiToken: env.FOOTBALL_DATA_TOKEN }),
    translator: env.DEEPL_API_KEY
      ? createDeepLClient({ baseUrl: env.DEEPL_API_URL, apiKey: env.DEEPL_API_KEY })
      : undefined,
    clock: systemClock,
    newId: () => crypto.randomUUID(),
  };
  return { env, settings, ports };
}
