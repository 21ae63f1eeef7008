// braze-reconcile's environment: the Braze settings both jobs share plus its
// own, built once per isolate (perIsolate).
import { z } from "zod";
import { flag, intIn, optional, perIsolate } from "../../config.ts";
import { dbFromEnv } from "../../db/from-env.ts";
import { systemClock } from "../../ports.ts";
import { brazeEnvSchema, withRunBrazeClient } from "../braze/env.ts";
import type { ReconcilePorts } from "./run.ts";
import { type ReconcileSettings, reconcileSettingsSchema } from "./settings.ts";

export const reconcileEnvSchema = brazeEnvSchema.extend({
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

/** The job's configuration with a Braze client of the run's own (withRunBrazeClient says why). */
export function reconcileFromEnv(
  source?: Record<string, string | undefined>,
): { env: ReconcileEnv; settings: ReconcileSettings; ports: ReconcilePorts } {
  // Without the listing capability the core resolves rows from the ledger alone.
  return withRunBrazeClient(
    perIsolateConfig(source),
    (client, env) => env.BRAZE_LISTING ? client : { ...client, listSchedules: undefined },
  );
}
