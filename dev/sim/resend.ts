// The Resend simulator: the broadcast and contact endpoints the project calls,
// behaving the way Resend documents them (each behaviour cites its source
// beside it; where the documentation is silent, the reading least kind to the
// caller), with fault switches and a record of every email it would have sent.
// Steered and inspected through /_sim/*:
//   POST /_sim/faults  {latencyMs, rateLimit:{next,retryAfterSeconds}, errors5xx:{next,status,afterCommit,endpoint},
//                       timeoutAfterCommit:{next,endpoint}}   (a key set to null switches it off)
//   POST /_sim/hold {endpoint, count}   POST /_sim/release {endpoint?}   (park calls until released)
//   POST /_sim/fire {until?}   deliver queued broadcasts, and scheduled ones due by `until` (default: all)
//   POST /_sim/reset           GET /_sim/state
// Endpoint names for faults: create, send, cancel, delete, get, list, contact.create, contact.get,
// contact.delete; "*" is every endpoint, no endpoint the writes only. Holds take the same names.
//
// Idempotency-Key: Resend honours it on POST /emails and POST /emails/batch only
// ("Idempotency keys are currently supported on the POST /emails and the POST
// /emails/batch endpoints", https://resend.com/docs/dashboard/emails/idempotency-keys;
// the OpenAPI spec declares the header on those two operations only,
// resend/resend-openapi resend.yaml). Neither is simulated here, so every key is
// ignored: it is only recorded in `calls`, to show that it changed nothing.

import { controlRouter, holdRoutes, stateAndFaultRoutes } from "./control.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { type HeldCall, Holds } from "./holds.ts";
import { callJson, delay, isRecord, listen, readJson, sendJson } from "./common.ts";

export const DEFAULT_RESEND_API_KEY = "re_local_key";

export interface ResendSimulatorOptions {
  port: number;
  host?: string;
  apiKey?: string;
}
/**
 * Statuses: draft, scheduled, queued (sending), sent, canceled, failed.
 * https://resend.com/changelog/cancel-broadcast-api (scheduled, queued, canceled);
 * resend-node src/broadcasts/interfaces/broadcast.ts (draft, queued, sent);
 * resend-node PR #1059 (a failed broadcast cannot be canceled).
 */
export type SimBroadcastStatus = "draft" | "scheduled" | "queued" | "sent" | "canceled" | "failed";
export interface SimBroadcast {
  object: "broadcast";
  id: string;
  name: string | null;
  segment_id: string;
  audience_id: string | null;
  from: string;
  subject: string;
  html: string | null;
  text: string | null;
  status: SimBroadcastStatus;
  scheduled_at: string | null;
  sent_at: string | null;
  created_at: string;
}
export interface SimContact {
  id: string;
  email: string;
  audiences: string[];
}
export interface SimEmail {
  broadcast_id: string;
  to: string;
  subject: string;
  at: string;
}
export interface SimCall {
  endpoint: string;
  path: string;
  key?: string;
  status: number;
  fault?: string;
}
export interface ResendSnapshot {
  broadcasts: SimBroadcast[];
  contacts: SimContact[];
  emails: SimEmail[];
  calls: SimCall[];
  held: HeldCall[];
}
interface Faults {
  latencyMs?: number;
  rateLimit?: { next: number; retryAfterSeconds?: number };
  errors5xx?: { next: number; status?: number; afterCommit?: boolean; endpoint?: string };
  timeoutAfterCommit?: { next: number; endpoint?: string };
}
type Answer = { status: number; body: unknown };

const WRITES = ["create", "send", "cancel", "delete", "contact.create", "contact.delete"];

/**
 * Resend's timestamps look like "2023-10-06 22:59:55.977+00" (the examples of
 * GetBroadcastResponseSuccess and ListBroadcastsResponseSuccess in
 * resend/resend-openapi resend.yaml), not ISO 8601 with a T and a Z.
 */
export function resendTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "+00");
}

export async function startResendSimulator(options: ResendSimulatorOptions) {
  const apiKey = options.apiKey ?? DEFAULT_RESEND_API_KEY;
  let broadcasts = new Map<string, SimBroadcast>();
  let contacts = new Map<string, SimContact>();
  let emails: SimEmail[] = [];
  let calls: SimCall[] = [];
  let faults: Faults = {};
  const holds = new Holds();
  let seq = 0;
  const nextContactId = () => `ct_${(++seq).toString().padStart(6, "0")}`;
  const now = () => resendTimestamp(Date.now());

  const deliver = (b: SimBroadcast) => {
    b.status = "sent";
    b.sent_at = now();
    for (const c of contacts.values()) {
      if (c.audiences.includes(b.segment_id)) {
        emails.push({ broadcast_id: b.id, to: c.email, subject: b.subject, at: b.sent_at });
      }
    }
  };
  const findContact = (idOrEmail: string) =>
    [...contacts.values()].find((c) => c.id === idOrEmail || c.email.toLowerCase() === idOrEmail.toLowerCase());
  const notFound = (what: string): Answer => ({
    status: 404,
    body: { statusCode: 404, name: "not_found", message: `${what} not found` },
  });
  const invalid = (message: string): Answer => ({
    status: 422,
    body: { statusCode: 422, name: "validation_error", message },
  });
  // The refusal shape Resend documents for an action on a broadcast in the
  // wrong state: 403 validation_error (resend-node src/broadcasts/broadcasts.spec.ts,
  // "when broadcast is not cancelable").
  const wrongState = (message: string): Answer => ({
    status: 403,
    body: { statusCode: 403, name: "validation_error", message },
  });
  const parseTime = (value: unknown): number | undefined => {
    const at = typeof value === "string" ? Date.parse(value) : NaN;
    return Number.isFinite(at) ? at : undefined;
  };
  /** Send now (queued until /_sim/fire delivers it) or schedule. */
  const sendOrSchedule = (item: SimBroadcast, scheduledAt: unknown): Answer | undefined => {
    if (scheduledAt === undefined || scheduledAt === null) {
      // "queued, once emails start sending" (https://resend.com/changelog/cancel-broadcast-api):
      // a send-now is queued first, and can still be canceled until it is sent.
      item.status = "queued";
      return undefined;
    }
    const at = parseTime(scheduledAt);
    // Resend also takes natural language ("in 1 hour"); the project sends ISO 8601 only.
    if (at === undefined) return invalid("scheduled_at must be an ISO 8601 date-time");
    item.status = "scheduled";
    item.scheduled_at = resendTimestamp(at);
    return undefined;
  };

  // The API: each route names itself (for faults) and answers.
  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): { endpoint: string; run: () => Answer } | undefined {
    const b = isRecord(body) ? body : {};
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    if (method === "POST" && path === "/broadcasts") {
      return {
        endpoint: "create",
        run: () => {
          // segment_id is the field; audience_id is its deprecated name, still accepted
          // (resend.yaml CreateBroadcastOptions: audience_id "deprecated: true";
          // resend-node CreateBroadcastOptions takes segmentId or audienceId).
          const segment = typeof b.segment_id === "string"
            ? b.segment_id
            : typeof b.audience_id === "string"
            ? b.audience_id
            : "";
          if (!segment || typeof b.from !== "string" || typeof b.subject !== "string") {
            return invalid("segment_id, from and subject are required");
          }
          if (typeof b.html !== "string" && typeof b.text !== "string") return invalid("html or text is required");
          // No deduplication: two identical creates make two broadcasts (no
          // Idempotency-Key on /broadcasts, see the header of this file).
          const item: SimBroadcast = {
            object: "broadcast",
            id: randomUUID(),
            name: typeof b.name === "string" ? b.name : null,
            segment_id: segment,
            audience_id: typeof b.audience_id === "string" ? b.audience_id : null,
            from: b.from,
            subject: b.subject,
            html: typeof b.html === "string" ? b.html : null,
            text: typeof b.text === "string" ? b.text : null,
            status: "draft",
            scheduled_at: null,
            sent_at: null,
            created_at: now(),
          };
          // "scheduled_at: Can only be used if send is true" (resend.yaml CreateBroadcastOptions).
          if (b.send !== true && b.scheduled_at !== undefined) {
            return invalid("scheduled_at can only be used if send is true");
          }
          if (b.send === true) {
            const refused = sendOrSchedule(item, b.scheduled_at);
            if (refused) return refused;
          }
          broadcasts.set(item.id, item);
          // 201 with {id, object} (resend.yaml broadcasts/create responses).
          return { status: 201, body: { id: item.id, object: "broadcast" } };
        },
      };
    }
    if (method === "GET" && path === "/broadcasts") {
      return {
        endpoint: "list",
        run: () => {
          // Cursor pagination: limit 1..100, after/before an id (resend.yaml PaginationLimit/After/Before).
          const limit = query.has("limit") ? Number(query.get("limit")) : 20;
          if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid("limit must be between 1 and 100");
          const all = [...broadcasts.values()].reverse(); // newest first
          const after = query.get("after");
          const start = after ? all.findIndex((x) => x.id === after) + 1 : 0;
          if (after && start === 0) return invalid("after is not a broadcast id");
          const page = all.slice(start, start + limit);
          const data = page.map(({ id, name, audience_id, segment_id, status, created_at, scheduled_at, sent_at }) => ({
            id,
            name,
            audience_id,
            segment_id,
            status,
            created_at,
            scheduled_at,
            sent_at,
          }));
          return { status: 200, body: { object: "list", has_more: start + limit < all.length, data } };
        },
      };
    }
    if (
      parts[0] === "broadcasts" && parts.length === 3 && method === "POST" &&
      (parts[2] === "send" || parts[2] === "cancel")
    ) {
      const action = parts[2];
      return {
        endpoint: action,
        run: () => {
          const item = broadcasts.get(parts[1]!);
          if (!item) return notFound("broadcast");
          if (action === "cancel") {
            // "You can only cancel Broadcasts that are queued or scheduled"; scheduled -> draft,
            // queued -> canceled (https://resend.com/docs/api-reference/broadcasts/cancel-broadcast,
            // https://resend.com/changelog/cancel-broadcast-api); otherwise 403 validation_error
            // "Only queued or scheduled broadcasts can be canceled" (resend-node broadcasts.spec.ts).
            if (item.status === "scheduled") {
              item.status = "draft";
              item.scheduled_at = null;
            } else if (item.status === "queued") {
              item.status = "canceled";
            } else return wrongState("Only queued or scheduled broadcasts can be canceled");
            return { status: 200, body: { id: item.id, object: "broadcast" } };
          }
          // Only a draft is sent or scheduled. Resend does not document the refusal
          // of a second send; the pessimistic reading is a 4xx like the cancel's,
          // so a repeated send is refused, never replayed as a success.
          if (item.status !== "draft") {
            return wrongState(`Only draft broadcasts can be sent (this one is ${item.status})`);
          }
          const refused = sendOrSchedule(item, b.scheduled_at);
          return refused ?? { status: 200, body: { id: item.id } };
        },
      };
    }
    if (parts[0] === "broadcasts" && parts.length === 2 && (method === "GET" || method === "DELETE")) {
      return {
        endpoint: method === "GET" ? "get" : "delete",
        run: () => {
          const item = broadcasts.get(parts[1]!);
          if (!item) return notFound("broadcast");
          if (method === "GET") return { status: 200, body: item };
          // "You can only delete broadcasts that are in the draft status. In addition, if you
          // delete a broadcast that has already been scheduled ... we will automatically cancel
          // the scheduled delivery" (https://resend.com/docs/api-reference/broadcasts/delete-broadcast).
          if (item.status !== "draft" && item.status !== "scheduled") {
            return wrongState(`a ${item.status} broadcast cannot be deleted`);
          }
          broadcasts.delete(item.id);
          return { status: 200, body: { object: "broadcast", id: item.id, deleted: true } };
        },
      };
    }
    // /contacts[/:idOrEmail] and /audiences/:aid/contacts[/:idOrEmail] (segments are audiences renamed)
    const audience = parts[0] === "audiences" || parts[0] === "segments" ? parts[1] : undefined;
    const rest = audience !== undefined ? parts.slice(2) : parts;
    if (rest[0] !== "contacts") return undefined;
    if (method === "POST" && rest.length === 1) {
      return {
        endpoint: "contact.create",
        run: () => {
          if (typeof b.email !== "string" || !b.email.includes("@")) return invalid("email is required");
          const aud = audience ?? (typeof b.audience_id === "string" ? b.audience_id : undefined);
          const existing = findContact(b.email);
          const contact = existing ?? { id: nextContactId(), email: b.email, audiences: [] };
          if (aud && !contact.audiences.includes(aud)) contact.audiences.push(aud);
          contacts.set(contact.id, contact);
          return { status: 201, body: { object: "contact", id: contact.id } };
        },
      };
    }
    if (rest.length === 2 && (method === "GET" || method === "DELETE")) {
      return {
        endpoint: method === "GET" ? "contact.get" : "contact.delete",
        run: () => {
          const contact = findContact(rest[1]!);
          const present = contact && (!audience || contact.audiences.includes(audience));
          if (method === "GET") {
            return present ? { status: 200, body: { object: "contact", ...contact } } : notFound("contact");
          }
          if (present) {
            if (audience) contact.audiences = contact.audiences.filter((a) => a !== audience);
            if (!audience || contact.audiences.length === 0) contacts.delete(contact.id);
          }
          // Deleting a contact that never existed answers 200 deleted:true, as for
          // one that did: recorded against the live API in resend-node
          // src/contacts/__recordings__/…remove-appears-to-remove-a-contact-that-never-existed…/recording.har.
          return { status: 200, body: { object: "contact", contact: rest[1], deleted: true } };
        },
      };
    }
    return undefined;
  }

  const take = <K extends "errors5xx" | "timeoutAfterCommit">(kind: K, endpoint: string): Faults[K] | undefined => {
    const rule = faults[kind];
    if (!rule || rule.next <= 0) return undefined;
    if (rule.endpoint !== undefined && rule.endpoint !== "*" && rule.endpoint !== endpoint) return undefined;
    if (rule.endpoint === undefined && !WRITES.includes(endpoint)) return undefined;
    rule.next--;
    return rule;
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL) {
    const path = url.pathname;
    const method = req.method ?? "GET";
    const body = method === "GET" || method === "DELETE" ? {} : await readJson(req);
    const key = req.headers["idempotency-key"] as string | undefined;
    const r = route(method, path, url.searchParams, body);
    const log = (status: number, extra: Partial<SimCall> = {}) =>
      calls.push({ endpoint: r?.endpoint ?? "unknown", path, ...(key ? { key } : {}), status, ...extra });
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      log(401);
      return sendJson(res, 401, { statusCode: 401, name: "missing_api_key", message: "Missing or invalid API key" });
    }
    if (!r) return sendJson(res, 404, { statusCode: 404, name: "not_found", message: `no route ${method} ${path}` });
    if (faults.rateLimit && faults.rateLimit.next > 0) {
      faults.rateLimit.next--;
      log(429, { fault: "rateLimit" });
      const wait = String(faults.rateLimit.retryAfterSeconds ?? 1);
      // 429 rate_limit_exceeded with retry-after (https://resend.com/docs/api-reference/rate-limit).
      return sendJson(res, 429, { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }, {
        "retry-after": wait,
        "ratelimit-reset": wait,
      });
    }
    await holds.wait(r.endpoint, { path, body }, new Date().toISOString());
    if (faults.latencyMs) await delay(faults.latencyMs);
    const error = take("errors5xx", r.endpoint);
    if (error && !error.afterCommit) {
      log(error.status ?? 500, { fault: "errors5xx" });
      return sendJson(res, error.status ?? 500, {
        statusCode: error.status ?? 500,
        name: "internal_server_error",
        message: "simulated failure",
      });
    }
    const answer = r.run();
    if (error) {
      log(error.status ?? 500, { fault: "errors5xx afterCommit" });
      return sendJson(res, error.status ?? 500, {
        statusCode: error.status ?? 500,
        name: "internal_server_error",
        message: "simulated failure after commit",
      });
    }
    if (take("timeoutAfterCommit", r.endpoint)) {
      log(0, { fault: "timeoutAfterCommit" });
      return; // applied, never answered: the client's timeout is the only way out
    }
    log(answer.status);
    sendJson(res, answer.status, answer.body);
  }

  const snapshot = (): ResendSnapshot => ({
    broadcasts: [...broadcasts.values()],
    contacts: [...contacts.values()],
    emails,
    calls,
    held: holds.list(),
  });

  const control = controlRouter({
    ...stateAndFaultRoutes({ snapshot, faults: { get: () => faults, set: (next) => (faults = next) } }),
    ...holdRoutes(holds),
    "POST /_sim/fire": (input) => {
      const until = typeof input.until === "string" ? Date.parse(input.until) : Infinity;
      const due = [...broadcasts.values()].filter((x) =>
        x.status === "queued" || (x.status === "scheduled" && Date.parse(x.scheduled_at!) <= until)
      );
      due.forEach(deliver);
      return { body: { fired: due.map((x) => x.id) } };
    },
    "POST /_sim/reset": () => {
      broadcasts = new Map();
      contacts = new Map();
      emails = [];
      calls = [];
      faults = {};
      holds.release();
      return { body: { ok: true } };
    },
  });

  const server = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? "/", "http://sim");
      if (await control(req, res, url.pathname)) return;
      return handleApi(req, res, url);
    },
    options.port,
    options.host,
  );
  return { url: server.url, port: server.port, close: server.close, state: snapshot };
}

export type ResendSimulator = Awaited<ReturnType<typeof startResendSimulator>>;

/** Steering a running simulator over HTTP, from tests or scripts. */
export function resendSimClient(url: string) {
  return {
    faults: (patch: Faults | Record<string, unknown>) => callJson<Faults>(url, "POST", "/_sim/faults", patch),
    hold: (endpoint: string, count = 1) => callJson(url, "POST", "/_sim/hold", { endpoint, count }),
    release: (endpoint?: string) =>
      callJson<{ released: number }>(url, "POST", "/_sim/release", endpoint ? { endpoint } : {}),
    fire: (until?: string) => callJson<{ fired: string[] }>(url, "POST", "/_sim/fire", until ? { until } : {}),
    state: () => callJson<ResendSnapshot>(url, "GET", "/_sim/state"),
    reset: () => callJson(url, "POST", "/_sim/reset", {}),
    addContact: (email: string, audienceId: string, apiKey = DEFAULT_RESEND_API_KEY) =>
      fetch(`${url}/audiences/${encodeURIComponent(audienceId)}/contacts`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ email }),
      }).then((r) => r.json() as Promise<{ id: string }>),
  };
}
