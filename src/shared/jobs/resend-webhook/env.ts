// resend-webhook's settings. It is called by Resend, not by cron or a user,
// so it needs no CRON_SECRET: the signing secret is its authentication.
import { z } from "zod";
import { dbEnv, optional, perIsolate } from "../../config.ts";
import { dbFromEnv } from "../../db/from-env.ts";
import type { WebhookPorts } from "./handle.ts";
import { deliveryVerifier } from "./verify.ts";

// Svix secrets are `whsec_` + base64 of the key.
const signingSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be whsec_ followed by base64");

export const webhookEnvSchema = z.object({
  ...dbEnv,
  RESEND_WEBHOOK_SECRET: signingSecret,
  // Set during a rotation to the secret being retired; remove afterwards.
  RESEND_WEBHOOK_SECRET_PREVIOUS: optional(signingSecret),
});

/** One verifier and one Db per isolate: the environment does not change under it. */
export const webhookFromEnv: (source?: Record<string, string | undefined>) => WebhookPorts = perIsolate(
  webhookEnvSchema,
  (env) => ({
    db: dbFromEnv(env),
    verify: deliveryVerifier(
      [env.RESEND_WEBHOOK_SECRET, env.RESEND_WEBHOOK_SECRET_PREVIOUS].filter((s): s is string => !!s),
    ),
  }),
);
