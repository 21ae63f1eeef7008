// braze-send-guard's settings: the database and the send-time tolerance. The
// caller's secret (BRAZE_GUARD_SECRET) belongs to the caller settings
// (src/shared/http/caller.ts), checked before these are read.
import { z } from "zod";
import { dbEnv, intIn, perIsolate } from "../../config.ts";
import { dbFromEnv } from "../../db/from-env.ts";
import type { Db } from "../../ports.ts";

/**
 * How far from the row's send time (database clock) a first ask may claim the
 * delivery (later asks by the claiming key need no time). The scheduler reads
 * it too: a kickoff moved by less than this plus a minute is made as a new
 * schedule under a new key rather than an update, since a schedule whose
 * update never reached Braze fires at its old time and the guard, judging by
 * time alone, could not refuse it.
 */
export const guardToleranceSeconds = intIn(60, 1199).default(600);

export const sendGuardEnvSchema = z.object({
  ...dbEnv,
  BRAZE_GUARD_TOLERANCE_SECONDS: guardToleranceSeconds,
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
