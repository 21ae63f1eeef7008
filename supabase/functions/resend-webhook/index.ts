// resend-webhook: POST by Resend (no Supabase JWT; deploy with --no-verify-jwt).
// The Svix signature over the raw body is the authentication: 401 when it does
// not match RESEND_WEBHOOK_SECRET (or RESEND_WEBHOOK_SECRET_PREVIOUS during a
// rotation) or is more than 5 minutes old; 400 for a signed but malformed
// payload; 200 for a new delivery, a redelivery (counted once) and an unknown
// event type (stored). Any other answer makes Resend retry the delivery.
import { postHandler } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { webhookFromEnv } from "../../../src/shared/jobs/resend-webhook/env.ts";
import { handleResendWebhook } from "../../../src/shared/jobs/resend-webhook/handle.ts";

export default {
  fetch: postHandler(async (req) => {
    const outcome = await handleResendWebhook(webhookFromEnv(), req);
    return json(200, { received: true, ...outcome });
  }),
};
