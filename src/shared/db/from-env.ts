// Builds the Db port an edge function uses, from validated settings. One
// adapter per isolate: edge-function isolates serve many requests, and a
// connection pool per request would exhaust the database.
import { createClient } from "@supabase/supabase-js";
import postgres from "postgres";
import { SettingsError } from "../config.ts";
import type { Db } from "../ports.ts";
import { fromPostgres } from "./direct.ts";
import { fromSupabase } from "./rest.ts";

export interface DbSettings {
  adapter: "rest" | "direct";
  supabaseUrl?: string;
  serviceRoleKey?: string;
  databaseUrl?: string;
}

const cache = new Map<string, Db>();

export function dbFromSettings(settings: DbSettings): Db {
  const key = JSON.stringify(settings);
  const cached = cache.get(key);
  if (cached) return cached;
  let db: Db;
  if (settings.adapter === "direct") {
    if (!settings.databaseUrl) throw new SettingsError(["SUPABASE_DB_URL"], ["required when DB_ADAPTER is direct"]);
    db = fromPostgres(postgres(settings.databaseUrl, { max: 5, idle_timeout: 20, onnotice: () => {} }));
  } else {
    if (!settings.supabaseUrl || !settings.serviceRoleKey) {
      const missing = [
        settings.supabaseUrl ? undefined : "SUPABASE_URL",
        settings.serviceRoleKey ? undefined : "SUPABASE_SERVICE_ROLE_KEY",
      ].filter((v): v is string => v !== undefined);
      throw new SettingsError(missing, missing.map(() => "required when DB_ADAPTER is rest"));
    }
    db = fromSupabase(
      createClient(settings.supabaseUrl, settings.serviceRoleKey, {
        auth: { persistSession: false, autoRefreshToken: false },
      }),
    );
  }
  cache.set(key, db);
  return db;
}

/** The Db a function's settings name (the `dbEnv` block of ../config.ts). */
export function dbFromEnv(env: {
  DB_ADAPTER: "rest" | "direct";
  SUPABASE_URL?: string;
  SUPABASE_SERVICE_ROLE_KEY?: string;
  SUPABASE_DB_URL?: string;
}): Db {
  return dbFromSettings({
    adapter: env.DB_ADAPTER,
    supabaseUrl: env.SUPABASE_URL,
    serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
    databaseUrl: env.SUPABASE_DB_URL,
  });
}
