// Builds the Db port an edge function uses, from validated settings. One
// adapter per isolate: edge-function isolates serve many requests, and a
// connection pool per request would exhaust the database.
import { createClient } from "@supabase/supabase-js";
import postgres from "postgres";
import { ConfigError } from "../errors.ts";
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
    if (!settings.databaseUrl) throw new ConfigError("DB_ADAPTER=direct needs SUPABASE_DB_URL");
    db = fromPostgres(postgres(settings.databaseUrl, { max: 5, idle_timeout: 20, onnotice: () => {} }));
  } else {
    if (!settings.supabaseUrl || !settings.serviceRoleKey) {
      throw new ConfigError("DB_ADAPTER=rest needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY");
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
