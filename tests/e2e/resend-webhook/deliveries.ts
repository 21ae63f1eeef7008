// Sending signed deliveries to a served resend-webhook, the way Resend does.
import { LOCAL_RESEND_WEBHOOK_SECRET } from "../../../src/shared/jobs/resend-webhook/env.ts";
import { type Delivery, signedHeaders } from "../../../src/shared/jobs/resend-webhook/sign.ts";
import type { TestDatabase } from "../../support/db.ts";
import { serveFunctions } from "../../support/functions.ts";

export const SECRET = LOCAL_RESEND_WEBHOOK_SECRET;

export function serveWebhook(t: TestDatabase) {
  return serveFunctions({
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: t.url,
    CRON_SECRET: "local-cron-secret",
    RESEND_WEBHOOK_SECRET: SECRET,
  });
}

export async function post(
  url: string,
  delivery: Delivery,
  secret = SECRET,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: "POST", headers: signedHeaders(secret, delivery), body: delivery.body });
  return { status: res.status, body: await res.json() };
}
