// braze-send-guard's settings: the database and the send-time tolerance. The
// caller's secret (BRAZE_GUARD_SECRET) belongs to the caller settings
// (src/shared/http/caller.ts), checked before these are read.
import { z } from "zod";
import { dbEnv, intIn, perIsolate } from "../../config.ts";
import { dbFromEnv } from "../../db/from-env.ts";
import type { Db } from "../../ports.ts";

export const sendGuardEnvSchema = z.object({
  ...dbEnv,
  /**
   * How far from the row's send time (database clock) a first ask may claim
   * the delivery. Below BRAZE_UPDATE_BUFFER_MINUTES (20 min): a schedule whose
   * time-only update never reached Braze fires at its old time, at least the
   * buffer away from the row's, and must abort.
   */
  BRAZE_GUARD_TOLERANCE_SECONDS: intIn(60, 1199).default(600),
});

export interface SendGuardConfig {
  db: Db;
  toleranceSeconds: number;
}

export const sendGuardFromEnv: (source?: Record<string, string | undefined>) => SendGuardConfig = perIsolate(
  sendGuardEnvSchema,
  (env) => ({
    db: dbFromEnv(env),
    toleranceSeconds: env.BRAZE_GUARD_TOLERANCE_SECONDS,
  }),
);
