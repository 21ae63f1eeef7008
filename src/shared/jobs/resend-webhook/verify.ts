// Resend signs webhooks the Svix way: HMAC-SHA256 over `id.timestamp.body`
// with the base64 key after `whsec_`, in `svix-signature` (possibly several
// space-separated `v1,<sig>` entries). The svix library checks the signature
// in constant time and rejects timestamps more than 5 minutes from now in
// either direction, which is what stops a captured delivery being replayed.
import { Webhook, WebhookVerificationError } from "svix";
import { InvalidInputError, UnauthorizedError } from "../../errors.ts";

export interface SignedDelivery {
  svixId: string;
  /** The verified body, parsed as JSON. */
  payload: unknown;
}

export type DeliveryVerifier = (rawBody: string, headers: Headers) => SignedDelivery;

/**
 * Tries each secret in order: the current one, then the previous one while a
 * rotation is under way (Resend signs with the new secret as soon as it is
 * rolled; deliveries already queued may still carry the old one).
 */
export function deliveryVerifier(secrets: string[]): DeliveryVerifier {
  const webhooks = secrets.map((secret) => new Webhook(secret));
  if (webhooks.length === 0) throw new Error("deliveryVerifier needs at least one secret");
  return (rawBody, headers) => {
    const svixHeaders = {
      "svix-id": headers.get("svix-id") ?? "",
      "svix-timestamp": headers.get("svix-timestamp") ?? "",
      "svix-signature": headers.get("svix-signature") ?? "",
    };
    let reason = "invalid signature";
    for (const webhook of webhooks) {
      try {
        const payload = webhook.verify(rawBody, svixHeaders);
        return { svixId: svixHeaders["svix-id"], payload };
      } catch (e) {
        if (e instanceof WebhookVerificationError) {
          reason = e.message;
          continue;
        }
        // verify() parses the body only after a signature matched: a body
        // that is signed but not JSON is the sender's malformed payload.
        throw new InvalidInputError("body is not valid JSON");
      }
    }
    throw new UnauthorizedError(`webhook signature rejected: ${reason}`);
  };
}
