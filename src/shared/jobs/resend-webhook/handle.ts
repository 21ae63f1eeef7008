// The resend-webhook request, end to end: raw body, signature, payload, one
// database call. Order matters: the signature is checked over the exact bytes received
// before anything is parsed, and the payload is validated before anything is
// stored, so a forged or malformed delivery changes nothing.
import { emailHistory, type WebhookOutcome } from "../../data/email-history.ts";
import { handler } from "../../http/handler.ts";
import { parseWith, readBody } from "../../http/parse.ts";
import { json } from "../../http/respond.ts";
import type { Db } from "../../ports.ts";
import { schemaFor, svixIdSchema, webhookRecord } from "./event.ts";
import type { DeliveryVerifier, SignedDelivery } from "./verify.ts";

/** Resend's events are a few KiB; anything near this is not one of them. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface WebhookPorts {
  db: Db;
  verify: DeliveryVerifier;
}

export type { WebhookOutcome };

/**
 * Records one delivery whose signature `verify` accepted: the svix id and the
 * payload are validated before anything is stored.
 */
export async function recordVerifiedDelivery(db: Db, delivery: SignedDelivery): Promise<WebhookOutcome> {
  const id = parseWith(svixIdSchema, delivery.svixId, "svix-id header");
  const event = parseWith(schemaFor(delivery.payload), delivery.payload);
  return await emailHistory(db).recordWebhook(webhookRecord(id, event, delivery.payload));
}

/** The whole request without HTTP: raw body, signature, payload, one database call (the chaos runner's path). */
export async function handleResendWebhook(
  ports: WebhookPorts,
  req: Request,
  maxBytes = MAX_BODY_BYTES,
): Promise<WebhookOutcome> {
  return await recordVerifiedDelivery(ports.db, ports.verify(await readBody(req, maxBytes), req.headers));
}

/**
 * The HTTP shape, on the common handler: POST only; the Svix signature over
 * the raw body is the authentication (no caller secret); 200 with the
 * outcome; typed errors mapped to 401/400/413/503. `ports` is called per
 * request so the edge function reads its env lazily (a misconfigured
 * function answers 500 naming the variable).
 */
export function resendWebhookHandler(ports: () => WebhookPorts): (req: Request) => Promise<Response> {
  return handler({
    callers: [],
    config: ports,
    maxBodyBytes: MAX_BODY_BYTES,
    verifyBody: (config, raw, headers) => config.verify(raw, headers),
    run: async ({ config, verified }) =>
      json(200, { received: true, ...(await recordVerifiedDelivery(config.db, verified)) }),
  }).fetch;
}
