// maintenance's settings. Every retention is an environment variable with a
// documented default (README, Configuration).
import { z } from "zod";
import { intIn, perIsolate } from "../../config.ts";
import { dbFromSettings } from "../../db/from-env.ts";
import { commonEnvSchema, dbSettings } from "../../http/common-env.ts";
import type { MaintenancePorts, MaintenanceSettings } from "./maintenance.ts";

export const maintenanceEnvSchema = commonEnvSchema.extend({
  MAINTENANCE_JOB_RUNS_RETENTION_DAYS: intIn(1, 3650).default(30),
  // Resend delivers through Svix, which retries a failed delivery for about
  // 28 hours (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h:
  // https://docs.svix.com/retries). A delivery record must outlive that, or
  // a late redelivery of its svix-id would be applied a second time.
  MAINTENANCE_WEBHOOK_DELIVERIES_RETENTION_HOURS: intIn(48, 87_600).default(72),
  MAINTENANCE_CRON_RUN_DETAILS_RETENTION_DAYS: intIn(1, 3650).default(7),
  // A Braze orphan reconcile has not seen for this long: reconcile runs every
  // few minutes, so a week unseen is a schedule that is gone or a campaign
  // that is retired. One still there is sighted afresh and waits its grace
  // period again.
  MAINTENANCE_ORPHAN_SIGHTINGS_RETENTION_DAYS: intIn(1, 3650).default(7),
  // Braze ledger rows that are history (sent or cancelled), by send time: a
  // month keeps what the team may look back on when a push is questioned.
  MAINTENANCE_LEDGER_HISTORY_RETENTION_DAYS: intIn(1, 3650).default(30),
  MAINTENANCE_BATCH_SIZE: intIn(1, 10_000).default(1000),
  // Per kind and run.
  MAINTENANCE_MAX_BATCHES: intIn(1, 100_000).default(50),
  MAINTENANCE_LEASE_TTL_SECONDS: intIn(10, 3600).default(60),
  // Inside the free plan's 150 s wall-clock limit (supabase.com/docs/guides/functions/limits).
  MAINTENANCE_DEADLINE_SECONDS: intIn(5, 380).default(100),
});

export const maintenanceFromEnv: (
  source?: Record<string, string | undefined>,
) => { ports: MaintenancePorts; settings: MaintenanceSettings } = perIsolate(maintenanceEnvSchema, (env) => ({
  ports: { db: dbFromSettings(dbSettings(env)) },
  settings: {
    retentionSeconds: {
      job_runs: env.MAINTENANCE_JOB_RUNS_RETENTION_DAYS * 86_400,
      webhook_deliveries: env.MAINTENANCE_WEBHOOK_DELIVERIES_RETENTION_HOURS * 3600,
      // The page reads 25 hour buckets at most (runs per hour, deliveries in the last 24 h).
      counter_hours: 48 * 3600,
      orphan_sightings: env.MAINTENANCE_ORPHAN_SIGHTINGS_RETENTION_DAYS * 86_400,
      ledger_history: env.MAINTENANCE_LEDGER_HISTORY_RETENTION_DAYS * 86_400,
      cron_run_details: env.MAINTENANCE_CRON_RUN_DETAILS_RETENTION_DAYS * 86_400,
    },
    batchSize: env.MAINTENANCE_BATCH_SIZE,
    maxBatches: env.MAINTENANCE_MAX_BATCHES,
    leaseTtlSeconds: env.MAINTENANCE_LEASE_TTL_SECONDS,
    deadlineMs: env.MAINTENANCE_DEADLINE_SECONDS * 1000,
  },
}));

export type MaintenanceEnv = z.infer<typeof maintenanceEnvSchema>;
