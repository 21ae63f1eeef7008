// The sending side of a Resend webhook, as Resend does it (Svix signing with
// the `svix` library). Used by the tests, the benchmark and anyone replaying a
// delivery against a local function; the function itself only verifies.
import { Webhook } from "svix";

export interface Delivery {
  svixId: string;
  body: string;
  /** When Resend signed it; the function rejects anything more than 5 minutes off. */
  signedAt: Date;
}

export function signedHeaders(secret: string, delivery: Delivery): Record<string, string> {
  const signature = new Webhook(secret).sign(delivery.svixId, delivery.signedAt, delivery.body);
  return {
    "content-type": "application/json",
    "svix-id": delivery.svixId,
    "svix-timestamp": String(Math.floor(delivery.signedAt.getTime() / 1000)),
    "svix-signature": signature,
  };
}

export function signedRequest(url: string, secret: string, delivery: Delivery): Request {
  return new Request(url, { method: "POST", headers: signedHeaders(secret, delivery), body: delivery.body });
}

/** A Resend email event body, shaped like https://resend.com/docs/webhooks/emails/clicked. */
export function emailEvent(
  type: string,
  createdAt: string,
  emailId: string,
  extra: { to?: string[]; click?: { link: string; timestamp: string; ipAddress?: string; userAgent?: string } } = {},
): string {
  return JSON.stringify({
    type,
    created_at: createdAt,
    data: {
      created_at: createdAt,
      email_id: emailId,
      from: "Matchday <matchday@example.com>",
      to: extra.to ?? ["fan@example.com"],
      subject: "Kick-off in one hour",
      tags: { category: "match" },
      ...(extra.click ? { click: extra.click } : {}),
    },
  });
}
