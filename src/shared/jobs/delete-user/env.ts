// delete-user's environment: validated once, mapped to ports and settings.
import { z } from "zod";
import { dbFromSettings } from "../../db/from-env.ts";
import { ConfigError } from "../../errors.ts";
import { commonEnvSchema, dbSettings } from "../../http/common-env.ts";
import { loadEnv } from "../../http/env.ts";
import { createAuthAdmin } from "../../providers/auth-admin/client.ts";
import { createResendClient } from "../../providers/resend/client.ts";
import type { ResumeSettings } from "./run.ts";
import type { DeletionPorts } from "./types.ts";

const int = z.coerce.number().int();

export const deleteUserEnvSchema = commonEnvSchema.extend({
  // Where GoTrue's admin API lives; defaults to SUPABASE_URL (the hosted project).
  AUTH_ADMIN_URL: z.url().optional(),
  AUTH_ADMIN_TIMEOUT_MS: int.min(100).max(120_000).default(10_000),
  RESEND_API_URL: z.url().default("https://api.resend.com"),
  RESEND_API_KEY: z.string().min(1),
  RESEND_AUDIENCE_ID: z.string().min(1).optional(),
  RESEND_TIMEOUT_MS: int.min(100).max(120_000).default(10_000),
  RESEND_MAX_ATTEMPTS: int.min(1).max(10).default(3),
  // About a hundred years: the user stays out until the deletion finishes.
  DELETE_USER_BAN_DURATION: z.string().regex(/^(\d+(\.\d+)?(h|m|s|ms))+$/).default("876000h"),
  DELETE_USER_CLAIM_TTL_SECONDS: int.min(1).max(3600).default(300),
  DELETE_USER_BACKOFF_BASE_SECONDS: int.min(0).max(86_400).default(30),
  DELETE_USER_BACKOFF_CAP_SECONDS: int.min(0).max(86_400).default(3600),
  DELETE_USER_RESUME_BATCH: int.min(1).max(1000).default(20),
  DELETE_USER_LEASE_TTL_SECONDS: int.min(5).max(3600).default(120),
});

export function deleteUserFromEnv(source?: Record<string, string | undefined>) {
  const env = loadEnv(deleteUserEnvSchema, source);
  const authUrl = env.AUTH_ADMIN_URL ?? env.SUPABASE_URL;
  if (!authUrl || !env.SUPABASE_SERVICE_ROLE_KEY) {
    throw new ConfigError("environment is missing or invalid: AUTH_ADMIN_URL or SUPABASE_URL, and SUPABASE_SERVICE_ROLE_KEY");
  }
  const ports: DeletionPorts = {
    db: dbFromSettings(dbSettings(env)),
    auth: createAuthAdmin({ url: authUrl, serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY, timeoutMs: env.AUTH_ADMIN_TIMEOUT_MS }),
    contacts: createResendClient({
      baseUrl: env.RESEND_API_URL, apiKey: env.RESEND_API_KEY, from: "unused@localhost",
      timeoutMs: env.RESEND_TIMEOUT_MS, maxAttempts: env.RESEND_MAX_ATTEMPTS,
    }),
  };
  const settings: ResumeSettings = {
    banDuration: env.DELETE_USER_BAN_DURATION,
    claimTtlSeconds: env.DELETE_USER_CLAIM_TTL_SECONDS,
    backoffBaseSeconds: env.DELETE_USER_BACKOFF_BASE_SECONDS,
    backoffCapSeconds: Math.max(env.DELETE_USER_BACKOFF_CAP_SECONDS, env.DELETE_USER_BACKOFF_BASE_SECONDS),
    audienceId: env.RESEND_AUDIENCE_ID,
    batchSize: env.DELETE_USER_RESUME_BATCH,
    leaseTtlSeconds: env.DELETE_USER_LEASE_TTL_SECONDS,
  };
  return { env, ports, settings };
}
