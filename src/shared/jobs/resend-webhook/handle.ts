// The resend-webhook request, end to end: raw body, signature, payload, one
// database call. Order matters: the signature is checked over the exact bytes received
// before anything is parsed, and the payload is validated before anything is
// stored, so a forged or malformed delivery changes nothing.
import { emailHistory, type WebhookOutcome } from "../../data/email-history.ts";
import { postHandler } from "../../http/handler.ts";
import { parseWith, readBody } from "../../http/parse.ts";
import { json } from "../../http/respond.ts";
import type { Db } from "../../ports.ts";
import { schemaFor, svixIdSchema, webhookRecord } from "./event.ts";
import type { DeliveryVerifier } from "./verify.ts";

/** Resend's events are a few KiB; anything near this is not one of them. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface WebhookPorts {
  db: Db;
  verify: DeliveryVerifier;
}

export type { WebhookOutcome };

export async function handleResendWebhook(
  ports: WebhookPorts,
  req: Request,
  maxBytes = MAX_BODY_BYTES,
): Promise<WebhookOutcome> {
  const raw = await readBody(req, maxBytes);
  const { svixId, payload } = ports.verify(raw, req.headers);
  const id = parseWith(svixIdSchema, svixId, "svix-id header");
  const event = parseWith(schemaFor(payload), payload);
  return await emailHistory(ports.db).recordWebhook(webhookRecord(id, event, payload));
}

/**
 * The HTTP shape: POST only, 200 with the outcome, typed errors mapped to
 * 401/400/413/503. `ports` is called per request so the edge function reads
 * its env lazily (a misconfigured function answers 500 naming the variable).
 */
export function resendWebhookHandler(ports: () => WebhookPorts): (req: Request) => Promise<Response> {
  return postHandler(async (req) => json(200, { received: true, ...(await handleResendWebhook(ports(), req)) }));
}
