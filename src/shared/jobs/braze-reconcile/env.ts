// braze-reconcile's environment: the scheduler's Braze settings plus its own.
import { z } from "zod";
import { dbFromSettings } from "../../db/from-env.ts";
import { commonEnvSchema, dbSettings } from "../../http/common-env.ts";
import { loadEnv } from "../../http/env.ts";
import { createBrazeClient } from "../../providers/braze/client.ts";
import { type Braze, systemClock } from "../../ports.ts";
import type { ReconcilePorts } from "./run.ts";
import { type ReconcileSettings, reconcileSettingsSchema } from "./settings.ts";

const int = z.coerce.number().int();
const flag = z.enum(["true", "false"]).transform((v) => v === "true");

export const reconcileEnvSchema = commonEnvSchema.extend({
  BRAZE_REST_URL: z.url(),
  BRAZE_API_KEY: z.string().min(1),
  /** Per-request timeout; a create still unanswered then is recorded as uncertain. */
  BRAZE_TIMEOUT_MS: int.optional(),
  BRAZE_CREATES_PER_MINUTE: int.optional(),
  BRAZE_CAMPAIGN_ID: z.string().min(1),
  // Braze's documented /messages/scheduled_broadcasts may not show
  // API-triggered schedules; trusting an incomplete listing would re-create
  // schedules that exist. Off unless the listing is known to show them.
  BRAZE_LISTING: flag.default(false),
  BRAZE_LIST_LAG_SECONDS: int.optional(),
  BRAZE_RECONCILE_GRACE_SECONDS: int.optional(),
  BRAZE_RECONCILE_RECREATE: flag.default(true),
  BRAZE_LEASE_TTL_SECONDS: int.optional(),
  BRAZE_CONCURRENCY: int.optional(),
});

export function reconcileFromEnv(source?: Record<string, string | undefined>) {
  const env = loadEnv(reconcileEnvSchema, source);
  const settings: ReconcileSettings = reconcileSettingsSchema.parse({
    campaignId: env.BRAZE_CAMPAIGN_ID,
    graceSeconds: env.BRAZE_RECONCILE_GRACE_SECONDS,
    listLagSeconds: env.BRAZE_LIST_LAG_SECONDS,
    leaseTtlSeconds: env.BRAZE_LEASE_TTL_SECONDS,
    concurrency: env.BRAZE_CONCURRENCY,
    recreateLost: env.BRAZE_RECONCILE_RECREATE,
  });
  const client = createBrazeClient({
    baseUrl: env.BRAZE_REST_URL,
    apiKey: env.BRAZE_API_KEY,
    timeoutMs: env.BRAZE_TIMEOUT_MS,
    createsPerMinute: env.BRAZE_CREATES_PER_MINUTE,
  });
  // Without the listing capability the core resolves rows from the ledger alone.
  const braze: Braze = env.BRAZE_LISTING ? client : { ...client, listSchedules: undefined };
  const ports: ReconcilePorts = {
    db: dbFromSettings(dbSettings(env)),
    braze,
    clock: systemClock,
    newId: () => crypto.randomUUID(),
  };
  return { env, settings, ports };
}
