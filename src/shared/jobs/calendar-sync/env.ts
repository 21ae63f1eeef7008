// calendar-sync's settings: the database and the per-sync limit. Users call
// this function, not Cron, and their tokens are checked by the shared handler
// from the auth settings.
import { z } from "zod";
import { dbEnv, intIn, perIsolate } from "../../config.ts";
import { dbFromEnv } from "../../db/from-env.ts";
import type { CalendarSyncPorts } from "./run.ts";
import { DEFAULT_MAX_CALENDARS, SQL_MAX_CALENDARS } from "./schema.ts";

export const calendarSyncEnvSchema = z.object({
  ...dbEnv,
  CALENDAR_SYNC_MAX_CALENDARS: intIn(1, SQL_MAX_CALENDARS).default(DEFAULT_MAX_CALENDARS),
});

export type CalendarSyncEnv = z.infer<typeof calendarSyncEnvSchema>;

export interface CalendarSyncConfig {
  ports: CalendarSyncPorts;
  maxCalendars: number;
}

/** One Db per configuration, for the life of the isolate. */
export const calendarSyncFromEnv: (source?: Record<string, string | undefined>) => CalendarSyncConfig = perIsolate(
  calendarSyncEnvSchema,
  (env) => ({ ports: { db: dbFromEnv(env) }, maxCalendars: env.CALENDAR_SYNC_MAX_CALENDARS }),
);
