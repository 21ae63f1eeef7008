// resend-webhook's environment. It is called by Resend, not by cron or a
// user, so it needs no CRON_SECRET: the signing secret is its authentication.
import { z } from "zod";
import { dbFromSettings } from "../../db/from-env.ts";
import { commonEnvSchema } from "../../http/common-env.ts";
import { loadEnv } from "../../http/env.ts";
import type { WebhookPorts } from "./handle.ts";
import { deliveryVerifier } from "./verify.ts";

// Svix secrets are `whsec_` + base64 of the key.
const signingSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be whsec_ followed by base64");

export const webhookEnvSchema = commonEnvSchema
  .pick({ SUPABASE_URL: true, SUPABASE_SERVICE_ROLE_KEY: true, SUPABASE_DB_URL: true, DB_ADAPTER: true })
  .extend({
    RESEND_WEBHOOK_SECRET: signingSecret,
    // Set during a rotation to the secret being retired; remove afterwards.
    RESEND_WEBHOOK_SECRET_PREVIOUS: z.preprocess((v) => (v === "" ? undefined : v), signingSecret.optional()),
  });

/** The fixed local-stack secret (base64 of "local-resend-webhook-secret-key!"). Never a real one. */
export const LOCAL_RESEND_WEBHOOK_SECRET = "whsec_bG9jYWwtcmVzZW5kLXdlYmhvb2stc2VjcmV0LWtleSE=";

let cached: { key: string; ports: WebhookPorts } | undefined;

export function webhookFromEnv(source?: Record<string, string | undefined>): WebhookPorts {
  const env = loadEnv(webhookEnvSchema, source);
  // One verifier and one Db per isolate: the env does not change under it.
  const key = JSON.stringify(env);
  if (cached?.key === key) return cached.ports;
  const secrets = [env.RESEND_WEBHOOK_SECRET, env.RESEND_WEBHOOK_SECRET_PREVIOUS].filter((s): s is string => !!s);
  const ports: WebhookPorts = {
    db: dbFromSettings({
      adapter: env.DB_ADAPTER,
      supabaseUrl: env.SUPABASE_URL,
      serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
      databaseUrl: env.SUPABASE_DB_URL,
    }),
    verify: deliveryVerifier(secrets),
  };
  cached = { key, ports };
  return ports;
}
