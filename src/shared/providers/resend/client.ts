// Resend: broadcasts (create, send or schedule, cancel) and contacts (remove).
// https://resend.com/docs/api-reference/broadcasts/create-broadcast
// https://resend.com/docs/api-reference/broadcasts/send-broadcast
// https://resend.com/changelog/cancel-broadcast-api  (scheduled -> draft)
// https://resend.com/docs/api-reference/contacts/delete-contact
//
// Every write carries an Idempotency-Key. With it, repeating a write whose
// answer we never saw is safe: the provider answers the first response again.
// So broadcast writes are sent as idempotent (retried on 5xx and timeouts
// inside requestWithRetry, with the same key), and what is still unknown after
// the retries surfaces as UpstreamError(outcome "unknown") for the caller to
// record and repeat later with the SAME key.

import { z } from "zod";
import { UpstreamError } from "../../errors.ts";
import { requestWithRetry, type RetryTuning } from "../http.ts";

export interface ResendClientOptions extends RetryTuning {
  /** https://api.resend.com, or the local simulator. */
  baseUrl: string;
  apiKey: string;
  /** The sender of broadcasts, e.g. "News <news@example.com>". */
  from: string;
}

export interface CreateBroadcastInput {
  idempotencyKey: string;
  audienceId: string;
  subject: string;
  html: string;
  name?: string;
}

export interface ResendClient {
  createBroadcast(input: CreateBroadcastInput): Promise<{ id: string }>;
  /** scheduledAt null sends now. */
  sendBroadcast(input: { idempotencyKey: string; broadcastId: string; scheduledAt: Date | null }): Promise<void>;
  /** A scheduled broadcast goes back to draft at the provider. */
  cancelBroadcast(input: { idempotencyKey: string; broadcastId: string }): Promise<void>;
  /** "Not found" counts as done: the contact is gone either way. */
  removeContact(input: { email: string; audienceId?: string }): Promise<{ removed: boolean }>;
}

const SERVICE = "resend";
const idAnswer = z.object({ id: z.string().min(1) });

export function createResendClient(options: ResendClientOptions): ResendClient {
  const { baseUrl, apiKey, from, ...tuning } = options;
  const root = baseUrl.replace(/\/+$/, "");
  const auth = { authorization: `Bearer ${apiKey}` };

  const write = (path: string, json: unknown, idempotencyKey: string) =>
    requestWithRetry({
      ...tuning,
      service: SERVICE,
      url: root + path,
      method: "POST",
      headers: { ...auth, "idempotency-key": idempotencyKey },
      json,
      // Safe to repeat only because of the key; a 409 for the key (still in
      // flight elsewhere, or reused with another body) is mapped below.
      idempotent: true,
    }).catch((e) => {
      throw idempotencyConflict(e) ?? e;
    });

  return {
    async createBroadcast(input) {
      const result = await write("/broadcasts", {
        // Resend renamed audiences to segments; it accepts audience_id for existing ones.
        audience_id: input.audienceId,
        from,
        subject: input.subject,
        html: input.html,
        ...(input.name ? { name: input.name } : {}),
      }, `${input.idempotencyKey}:create`);
      const parsed = idAnswer.safeParse(result.body);
      if (!parsed.success) {
        throw new UpstreamError(`create broadcast answered ${result.status} without an id`, SERVICE, "unknown", result.status);
      }
      return { id: parsed.data.id };
    },

    async sendBroadcast(input) {
      await write(
        `/broadcasts/${encodeURIComponent(input.broadcastId)}/send`,
        input.scheduledAt ? { scheduled_at: input.scheduledAt.toISOString() } : {},
        `${input.idempotencyKey}:send`,
      );
    },

    async cancelBroadcast(input) {
      await write(`/broadcasts/${encodeURIComponent(input.broadcastId)}/cancel`, {}, `${input.idempotencyKey}:cancel`);
    },

    async removeContact(input) {
      const path = input.audienceId
        ? `/audiences/${encodeURIComponent(input.audienceId)}/contacts/${encodeURIComponent(input.email)}`
        : `/contacts/${encodeURIComponent(input.email)}`;
      const result = await requestWithRetry({
        ...tuning,
        service: SERVICE,
        url: root + path,
        method: "DELETE",
        headers: auth,
        idempotent: true,
        acceptStatus: (status) => status === 404,
      });
      return { removed: result.status !== 404 };
    },
  };
}

/**
 * Resend answers 409 when a key is reused: concurrent_idempotent_requests (the
 * first request with it is still running) or invalid_idempotent_request (same
 * key, different body). Neither tells us what the first request did, so both
 * are "unknown": the row stays uncertain with its key, never rolled back.
 */
function idempotencyConflict(error: unknown): UpstreamError | undefined {
  if (!(error instanceof UpstreamError) || error.status !== 409) return undefined;
  return new UpstreamError(`${error.message} (idempotency key conflict; the first request's outcome is unknown)`, SERVICE, "unknown", 409, { cause: error });
}
