// resend-webhook: POST by Resend (no Supabase JWT; deploy with --no-verify-jwt).
// The Svix signature over the raw body is the authentication: 401 when it does
// not match RESEND_WEBHOOK_SECRET (or RESEND_WEBHOOK_SECRET_PREVIOUS during a
// rotation) or is more than 5 minutes off; 400 for a signed but malformed
// payload; 200 for a new delivery, a redelivery (counted once) and an unknown
// event type (stored). Any other answer makes Resend retry the delivery.
import { webhookFromEnv } from "../../../src/shared/jobs/resend-webhook/env.ts";
import { resendWebhookHandler } from "../../../src/shared/jobs/resend-webhook/handle.ts";

export default {
  fetch: resendWebhookHandler(() => webhookFromEnv()),
};
