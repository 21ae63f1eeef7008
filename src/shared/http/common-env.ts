// Environment every function shares: how to reach the database, and the
// secrets machine callers present.
import { z } from "zod";
import type { DbSettings } from "../db/from-env.ts";
import type { ServiceSecrets } from "./auth.ts";

export const commonEnvSchema = z.object({
  CRON_SECRET: z.string().min(16, "CRON_SECRET must be at least 16 characters"),
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(1).optional(),
  SUPABASE_URL: z.url().optional(),
  SUPABASE_DB_URL: z.string().min(1).optional(),
  // Deployed functions go through PostgREST; the local stack has no PostgREST
  // and connects directly.
  DB_ADAPTER: z.enum(["rest", "direct"]).default("rest"),
});

export type CommonEnv = z.infer<typeof commonEnvSchema>;

export function dbSettings(env: CommonEnv): DbSettings {
  return {
    adapter: env.DB_ADAPTER,
    supabaseUrl: env.SUPABASE_URL,
    serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
    databaseUrl: env.SUPABASE_DB_URL,
  };
}

export function serviceSecrets(env: CommonEnv): ServiceSecrets {
  return { cronSecret: env.CRON_SECRET, serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY };
}
