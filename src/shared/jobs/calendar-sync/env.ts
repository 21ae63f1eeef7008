// calendar-sync's environment: validated once per isolate, mapped to ports.
import { z } from "zod";
import { dbFromSettings } from "../../db/from-env.ts";
import { commonEnvSchema } from "../../http/common-env.ts";
import { loadEnv } from "../../http/env.ts";
import type { CalendarSyncPorts } from "./run.ts";
import { DEFAULT_MAX_CALENDARS, SQL_MAX_CALENDARS } from "./schema.ts";

// Users call this function, not Cron: CRON_SECRET plays no part, so it is not
// required here.
export const calendarSyncEnvSchema = commonEnvSchema.omit({ CRON_SECRET: true }).extend({
  CALENDAR_SYNC_MAX_CALENDARS: z.coerce.number().int().min(1).max(SQL_MAX_CALENDARS).default(DEFAULT_MAX_CALENDARS),
});

export type CalendarSyncEnv = z.infer<typeof calendarSyncEnvSchema>;

export interface CalendarSyncConfig {
  ports: CalendarSyncPorts;
  maxCalendars: number;
}

// One Db per configuration, for the life of the isolate.
const cache = new Map<string, CalendarSyncConfig>();

export function calendarSyncFromEnv(source?: Record<string, string | undefined>): CalendarSyncConfig {
  const env = loadEnv(calendarSyncEnvSchema, source);
  const key = JSON.stringify(env);
  const cached = cache.get(key);
  if (cached) return cached;
  const config: CalendarSyncConfig = {
    ports: {
      db: dbFromSettings({
        adapter: env.DB_ADAPTER,
        supabaseUrl: env.SUPABASE_URL,
        serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
        databaseUrl: env.SUPABASE_DB_URL,
      }),
    },
    maxCalendars: env.CALENDAR_SYNC_MAX_CALENDARS,
  };
  cache.set(key, config);
  return config;
}
