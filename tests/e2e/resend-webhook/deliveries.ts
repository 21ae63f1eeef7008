// Sending signed deliveries to a served resend-webhook, the way Resend does.
import { LOCAL_SECRETS } from "../../../dev/local-env.ts";
import { type Delivery, signedHeaders } from "../../../src/shared/jobs/resend-webhook/sign.ts";

/** The signing secret the test stack (tests/support/stack.ts) serves resend-webhook with. */
export const SECRET = LOCAL_SECRETS.resendWebhook;

export async function post(
  url: string,
  delivery: Delivery,
  secret: string = SECRET,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: "POST", headers: signedHeaders(secret, delivery), body: delivery.body });
  return { status: res.status, body: await res.json() };
}
