// ops-status reads only the database settings; its callers are checked by the
// shared handler from the auth settings (CRON_SECRET, SUPABASE_SERVICE_ROLE_KEY).
import { perIsolate } from "../../config.ts";
import { dbFromSettings } from "../../db/from-env.ts";
import { commonEnvSchema, dbSettings } from "../../http/common-env.ts";
import type { OpsStatusPorts } from "./http.ts";

/** One Db per isolate: a pool per request would exhaust the database. */
export const opsStatusFromEnv: (source?: Record<string, string | undefined>) => OpsStatusPorts = perIsolate(
  commonEnvSchema,
  (env) => ({ db: dbFromSettings(dbSettings(env)) }),
);
