// braze-reconcile's environment: the Braze settings both jobs share plus its
// own, built once per isolate (perIsolate).
import { z } from "zod";
import { flag, intIn, optional, perIsolate } from "../../config.ts";
import { dbFromEnv } from "../../db/from-env.ts";
import { systemClock } from "../../ports.ts";
import { brazeClientFrom, brazeEnvSchema } from "../braze/env.ts";
import type { ReconcilePorts } from "./run.ts";
import { type ReconcileSettings, reconcileSettingsSchema } from "./settings.ts";

export const reconcileEnvSchema = brazeEnvSchema.extend({
  // Braze's documented /messages/scheduled_broadcasts may not show
  // API-triggered schedules; trusting an incomplete listing would re-create
  // schedules that exist. Off unless the listing is known to show them.
  BRAZE_LISTING: flag.default(false),
  BRAZE_LIST_LAG_SECONDS: optional(intIn(0, 3600)),
  BRAZE_RECONCILE_GRACE_SECONDS: optional(intIn(0, 86_400)),
  BRAZE_RECONCILE_RECREATE: flag.default(true),
});

export type ReconcileEnv = z.infer<typeof reconcileEnvSchema>;

const perIsolateConfig = perIsolate(
  reconcileEnvSchema,
  (env) => {
    const settings: ReconcileSettings = reconcileSettingsSchema.parse({
      campaignId: env.BRAZE_CAMPAIGN_ID,
      graceSeconds: env.BRAZE_RECONCILE_GRACE_SECONDS,
      listLagSeconds: env.BRAZE_LIST_LAG_SECONDS,
      leaseTtlSeconds: env.BRAZE_LEASE_TTL_SECONDS,
      concurrency: env.BRAZE_CONCURRENCY,
      recreateLost: env.BRAZE_RECONCILE_RECREATE,
    });
    const ports: Omit<ReconcilePorts, "braze"> = {
      db: dbFromEnv(env),
      clock: systemClock,
      newId: () => crypto.randomUUID(),
    };
    return { env, settings, ports };
  },
);

/**
 * The settings, database and feed clients once per isolate; the Braze client
 * (and so its create pacer) fresh for every run. The pacer learns what is left
 * from Braze's X-RateLimit-Remaining/-Reset on the run's own answers; carried
 * across runs it would keep judging an old reset time (Braze's clock) against
 * this function's clock.
 */
export function reconcileFromEnv(
  source?: Record<string, string | undefined>,
): { env: ReconcileEnv; settings: ReconcileSettings; ports: ReconcilePorts } {
  const config = perIsolateConfig(source);
  const client = brazeClientFrom(config.env);
  // Without the listing capability the core resolves rows from the ledger alone.
  return {
    ...config,
    ports: { ...config.ports, braze: config.env.BRAZE_LISTING ? client : { ...client, listSchedules: undefined } },
  };
}
