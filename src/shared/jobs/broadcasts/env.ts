// broadcasts' environment: validated once, mapped to ports and settings.
import { z } from "zod";
import { dbFromSettings } from "../../db/from-env.ts";
import { commonEnvSchema, dbSettings } from "../../http/common-env.ts";
import { loadEnv } from "../../http/env.ts";
import { systemClock } from "../../ports.ts";
import { createResendClient } from "../../providers/resend/client.ts";
import type { ResolverSettings } from "./resolve.ts";
import type { BroadcastPorts } from "./types.ts";

const int = z.coerce.number().int();

export const broadcastsEnvSchema = commonEnvSchema.extend({
  RESEND_API_URL: z.url().default("https://api.resend.com"),
  RESEND_API_KEY: z.string().min(1),
  RESEND_FROM: z.string().min(3),
  RESEND_TIMEOUT_MS: int.min(100).max(120_000).default(10_000),
  RESEND_MAX_ATTEMPTS: int.min(1).max(10).default(3),
  BROADCASTS_EDITOR_ROLE: z.string().min(1).default("editor"),
  // Longer than an edge function may run (150 s free, 400 s paid), so the
  // resolver never takes over a request that is still working.
  BROADCASTS_RESOLVE_GRACE_SECONDS: int.min(0).max(86_400).default(600),
  BROADCASTS_RESOLVE_BATCH: int.min(1).max(1000).default(50),
  // Drives of one operation (its first attempt included) after which a row
  // whose broadcast Resend cannot show us becomes 'unresolved'.
  BROADCASTS_RESOLVE_MAX_ATTEMPTS: int.min(2).max(100).default(6),
  BROADCASTS_LEASE_TTL_SECONDS: int.min(5).max(3600).default(120),
});

export function broadcastsFromEnv(source?: Record<string, string | undefined>) {
  const env = loadEnv(broadcastsEnvSchema, source);
  const ports: BroadcastPorts = {
    db: dbFromSettings(dbSettings(env)),
    provider: createResendClient({
      baseUrl: env.RESEND_API_URL,
      apiKey: env.RESEND_API_KEY,
      from: env.RESEND_FROM,
      timeoutMs: env.RESEND_TIMEOUT_MS,
      maxAttempts: env.RESEND_MAX_ATTEMPTS,
    }),
    clock: systemClock,
  };
  const resolver: ResolverSettings = {
    graceSeconds: env.BROADCASTS_RESOLVE_GRACE_SECONDS,
    batchSize: env.BROADCASTS_RESOLVE_BATCH,
    leaseTtlSeconds: env.BROADCASTS_LEASE_TTL_SECONDS,
    maxAttempts: env.BROADCASTS_RESOLVE_MAX_ATTEMPTS,
  };
  return { env, ports, resolver };
}
