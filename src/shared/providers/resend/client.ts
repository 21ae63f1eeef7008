// Resend: broadcasts (create, send or schedule, cancel, read, list) and contacts (remove).
// https://resend.com/docs/api-reference/broadcasts/create-broadcast
// https://resend.com/docs/api-reference/broadcasts/send-broadcast
// https://resend.com/docs/api-reference/broadcasts/cancel-broadcast
// https://resend.com/docs/api-reference/contacts/delete-contact
//
// Hand-written rather than the official `resend` SDK: its broadcasts.send,
// cancel and get take no AbortSignal, and it folds every network failure
// (refused or timed out) into one statusCode:null error, so it cannot tell a
// request never sent from one that may have landed (resend-node src/resend.ts,
// fetchRequest). Request and answer shapes follow the SDK and the OpenAPI spec.
//
// Resend does not deduplicate broadcast requests: Idempotency-Key is honoured on
// POST /emails and /emails/batch only (https://resend.com/docs/dashboard/emails/idempotency-keys),
// so no key is sent here and a broadcast write is never repeated once it may
// have reached Resend. Only an answer that proves it was not processed (429, a
// connection never opened) is retried; a timeout, a reset or a 5xx surfaces as
// UpstreamError(outcome "unknown"), and the caller reads the broadcast back.

import { z } from "zod";
import { UpstreamError } from "../../errors.ts";
import type { Contacts, EmailBroadcasts, ProviderBroadcast } from "../../ports.ts";
import { requestWithRetry, type RetryTuning } from "../http.ts";

export type { CreateBroadcastInput, ProviderBroadcast, ProviderBroadcastStatus } from "../../ports.ts";

/** Where Resend is and how to ask it: all that removing a contact needs. */
export interface ResendConnection extends RetryTuning {
  /** https://api.resend.com, or the local simulator. */
  baseUrl: string;
  apiKey: string;
}

export interface ResendClientOptions extends ResendConnection {
  /** The sender of broadcasts, e.g. "News <news@example.com>". */
  from: string;
}

/**
 * Broadcasts (getBroadcast: null on 404; findBroadcastsByName reads the whole
 * cursor-paginated list) and contacts.
 */
export interface ResendClient extends EmailBroadcasts, Contacts {}

const SERVICE = "resend";
const idAnswer = z.object({ id: z.string().min(1) });
const broadcastAnswer = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  status: z.enum(["draft", "scheduled", "queued", "sent", "canceled", "failed"]),
  scheduled_at: z.string().nullish(),
});
const listAnswer = z.object({ has_more: z.boolean(), data: z.array(broadcastAnswer) });
/** A list longer than this many pages (100 each) is an error, not an endless loop. */
const MAX_LIST_PAGES = 1000;

/** "2023-10-06 22:59:55.977+00" (resend.yaml examples) or ISO 8601, as ISO 8601. */
export function parseResendTime(value: string): string {
  const iso = value.trim().replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00");
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`unreadable Resend timestamp ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

function toProvider(raw: z.infer<typeof broadcastAnswer>): ProviderBroadcast {
  return {
    id: raw.id,
    name: raw.name ?? null,
    status: raw.status,
    scheduledAt: raw.scheduled_at ? parseResendTime(raw.scheduled_at) : null,
  };
}

/**
 * Removing a contact is done when Resend answers, whether or not the contact
 * existed: Resend answers a delete of a contact that never existed with 200
 * deleted:true (recorded in resend-node's contacts integration tests); a 404
 * is accepted as done too.
 */
export function createResendContacts(options: ResendConnection): Contacts {
  const { baseUrl, apiKey, ...tuning } = options;
  const root = baseUrl.replace(/\/+$/, "");
  return {
    async removeContact(input) {
      const path = input.audienceId
        ? `/audiences/${encodeURIComponent(input.audienceId)}/contacts/${encodeURIComponent(input.email)}`
        : `/contacts/${encodeURIComponent(input.email)}`;
      const result = await requestWithRetry({
        ...tuning,
        service: SERVICE,
        url: root + path,
        method: "DELETE",
        headers: { authorization: `Bearer ${apiKey}` },
        idempotent: true,
        acceptStatus: (status) => status === 404,
      });
      return { removed: result.status !== 404 };
    },
  };
}

export function createResendClient(options: ResendClientOptions): ResendClient {
  const { baseUrl, apiKey, from, ...tuning } = options;
  const root = baseUrl.replace(/\/+$/, "");
  const auth = { authorization: `Bearer ${apiKey}` };

  // Not idempotent at Resend: never repeated once it may have been received.
  const write = (path: string, json: unknown) =>
    requestWithRetry({
      ...tuning,
      service: SERVICE,
      url: root + path,
      method: "POST",
      headers: auth,
      json,
      idempotent: false,
    });

  const read = (path: string, acceptNotFound: boolean) =>
    requestWithRetry({
      ...tuning,
      service: SERVICE,
      url: root + path,
      method: "GET",
      headers: auth,
      idempotent: true,
      ...(acceptNotFound ? { acceptStatus: (status: number) => status === 404 } : {}),
    });

  const parsed = <T>(schema: z.ZodType<T>, result: { status: number; body: unknown }, what: string): T => {
    const p = schema.safeParse(result.body);
    if (!p.success) {
      throw new UpstreamError(
        `${what} answered ${result.status} in an unexpected shape`,
        SERVICE,
        "unknown",
        result.status,
      );
    }
    return p.data;
  };

  return {
    async createBroadcast(input) {
      const result = await write("/broadcasts", {
        // segment_id; audience_id is its deprecated name (resend.yaml CreateBroadcastOptions).
        segment_id: input.segmentId,
        from,
        subject: input.subject,
        html: input.html,
        name: input.name,
      });
      return { id: parsed(idAnswer, result, "create broadcast").id };
    },

    async sendBroadcast(input) {
      await write(
        `/broadcasts/${encodeURIComponent(input.broadcastId)}/send`,
        input.scheduledAt ? { scheduled_at: input.scheduledAt.toISOString() } : {},
      );
    },

    async cancelBroadcast(input) {
      await write(`/broadcasts/${encodeURIComponent(input.broadcastId)}/cancel`, {});
    },

    async getBroadcast(broadcastId) {
      const result = await read(`/broadcasts/${encodeURIComponent(broadcastId)}`, true);
      if (result.status === 404) return null;
      return toProvider(parsed(broadcastAnswer, result, "get broadcast"));
    },

    async findBroadcastsByName(name) {
      const found: ProviderBroadcast[] = [];
      let after: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const query = new URLSearchParams({ limit: "100", ...(after ? { after } : {}) });
        const list = parsed(listAnswer, await read(`/broadcasts?${query}`, false), "list broadcasts");
        for (const item of list.data) if (item.name === name) found.push(toProvider(item));
        if (!list.has_more || list.data.length === 0) return found;
        after = list.data[list.data.length - 1]!.id;
      }
      throw new UpstreamError(`list broadcasts: more than ${MAX_LIST_PAGES} pages`, SERVICE, "unknown");
    },

    ...createResendContacts({ baseUrl, apiKey, ...tuning }),
  };
}
