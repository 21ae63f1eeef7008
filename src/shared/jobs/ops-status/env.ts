// ops-status reads only the common environment: the database and the secrets.
import { dbFromSettings } from "../../db/from-env.ts";
import { commonEnvSchema, dbSettings, serviceSecrets } from "../../http/common-env.ts";
import { loadEnv } from "../../http/env.ts";
import type { OpsStatusPorts } from "./http.ts";

export function opsStatusFromEnv(source?: Record<string, string | undefined>): OpsStatusPorts {
  const env = loadEnv(commonEnvSchema, source);
  return { db: dbFromSettings(dbSettings(env)), secrets: serviceSecrets(env) };
}
