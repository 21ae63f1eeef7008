// calendar-sync's environment: validated once per isolate, mapped to ports.
import { z } from "zod";
import { dbFromSettings } from "../../db/from-env.ts";
import { userTokenVerifier } from "../../http/auth.ts";
import { commonEnvSchema } from "../../http/common-env.ts";
import { loadEnv } from "../../http/env.ts";
import type { CalendarSyncPorts } from "./run.ts";
import { DEFAULT_MAX_CALENDARS, SQL_MAX_CALENDARS } from "./schema.ts";

// Users call this function, not Cron: CRON_SECRET plays no part, so it is not
// required here.
export const calendarSyncEnvSchema = commonEnvSchema.omit({ CRON_SECRET: true }).extend({
  // Local stack and legacy projects: HS256 with the project's JWT secret.
  // Unset: the project's JWKS at SUPABASE_URL/auth/v1/.well-known/jwks.json.
  SUPABASE_JWT_SECRET: z.string().min(32, "SUPABASE_JWT_SECRET must be at least 32 characters").optional(),
  CALENDAR_SYNC_MAX_CALENDARS: z.coerce.number().int().min(1).max(SQL_MAX_CALENDARS).default(DEFAULT_MAX_CALENDARS),
});

export type CalendarSyncEnv = z.infer<typeof calendarSyncEnvSchema>;

export interface CalendarSyncConfig {
  ports: CalendarSyncPorts;
  maxCalendars: number;
}

// One verifier per configuration: the JWKS client caches the project's keys
// across requests instead of fetching them for every call.
const cache = new Map<string, CalendarSyncConfig>();

export function calendarSyncFromEnv(source?: Record<string, string | undefined>): CalendarSyncConfig {
  const env = loadEnv(calendarSyncEnvSchema, source);
  const key = JSON.stringify(env);
  const cached = cache.get(key);
  if (cached) return cached;
  const verifyToken = userTokenVerifier(env);
  const config: CalendarSyncConfig = {
    ports: {
      db: dbFromSettings({
        adapter: env.DB_ADAPTER,
        supabaseUrl: env.SUPABASE_URL,
        serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
        databaseUrl: env.SUPABASE_DB_URL,
      }),
      verifyToken,
    },
    maxCalendars: env.CALENDAR_SYNC_MAX_CALENDARS,
  };
  cache.set(key, config);
  return config;
}
