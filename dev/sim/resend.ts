// The Resend simulator: the broadcast and contact endpoints the project calls,
// with Idempotency-Key honoured for 24 hours the way Resend documents it (same
// key and body: the first answer again; same key, other body, or the first
// request still running: 409), fault switches, and a record of every email it
// would have sent. Steered and inspected through /_sim/*:
//   POST /_sim/faults  {latencyMs, rateLimit:{next,retryAfterSeconds}, errors5xx:{next,status,afterCommit,endpoint},
//                       timeoutAfterCommit:{next,endpoint}}   (a key set to null switches it off)
//   POST /_sim/hold {endpoint, count}   POST /_sim/release {endpoint?}   (park calls until released)
//   POST /_sim/fire {until?}   deliver scheduled broadcasts due by `until` (default: all of them)
//   POST /_sim/reset           GET /_sim/state
// Endpoint names for faults and holds: create, send, cancel, delete, contact.create, contact.delete.

import type { IncomingMessage, ServerResponse } from "node:http";
import { type HeldCall, Holds } from "./holds.ts";
import { callJson, delay, isRecord, listen, mergeFaults, readJson, sendJson } from "./shared.ts";

export const DEFAULT_RESEND_API_KEY = "re_local_key";
const DAY_MS = 24 * 60 * 60_000;

export interface ResendSimulatorOptions { port: number; host?: string; apiKey?: string }
export interface SimBroadcast {
  id: string; audience_id: string; from: string; subject: string; html: string;
  status: "draft" | "scheduled" | "sent"; scheduled_at: string | null; created_at: string;
}
export interface SimContact { id: string; email: string; audiences: string[] }
export interface SimEmail { broadcast_id: string; to: string; subject: string; at: string }
export interface SimCall { endpoint: string; path: string; key?: string; status: number; fault?: string; replayed?: boolean }
export interface ResendSnapshot {
  broadcasts: SimBroadcast[]; contacts: SimContact[]; emails: SimEmail[]; calls: SimCall[];
  held: HeldCall[];
}
interface Faults {
  latencyMs?: number;
  rateLimit?: { next: number; retryAfterSeconds?: number };
  errors5xx?: { next: number; status?: number; afterCommit?: boolean; endpoint?: string };
  timeoutAfterCommit?: { next: number; endpoint?: string };
}
type Answer = { status: number; body: unknown };
interface Stored { fingerprint: string; at: number; answer?: Answer }

export async function startResendSimulator(options: ResendSimulatorOptions) {
  const apiKey = options.apiKey ?? DEFAULT_RESEND_API_KEY;
  let broadcasts = new Map<string, SimBroadcast>();
  let contacts = new Map<string, SimContact>();
  let emails: SimEmail[] = [];
  let calls: SimCall[] = [];
  let keys = new Map<string, Stored>();
  let faults: Faults = {};
  const holds = new Holds();
  let seq = 0;
  const nextId = (prefix: string) => `${prefix}_${(++seq).toString().padStart(6, "0")}`;
  const now = () => new Date().toISOString();

  const deliver = (b: SimBroadcast) => {
    b.status = "sent";
    for (const c of contacts.values()) {
      if (c.audiences.includes(b.audience_id)) emails.push({ broadcast_id: b.id, to: c.email, subject: b.subject, at: now() });
    }
  };
  const findContact = (idOrEmail: string) =>
    [...contacts.values()].find((c) => c.id === idOrEmail || c.email.toLowerCase() === idOrEmail.toLowerCase());
  const notFound = (what: string): Answer => ({ status: 404, body: { statusCode: 404, name: "not_found", message: `${what} not found` } });
  const invalid = (message: string): Answer => ({ status: 422, body: { statusCode: 422, name: "validation_error", message } });

  // The API: each route names itself (for faults and holds) and answers.
  function route(method: string, path: string, body: unknown): { endpoint: string; run: () => Answer } | undefined {
    const b = isRecord(body) ? body : {};
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    if (method === "POST" && path === "/broadcasts") {
      return { endpoint: "create", run: () => {
        const audience = String(b.audience_id ?? b.segment_id ?? "");
        if (!audience || typeof b.from !== "string" || typeof b.subject !== "string" || typeof b.html !== "string") {
          return invalid("audience_id, from, subject and html are required");
        }
        const item: SimBroadcast = { id: nextId("bc"), audience_id: audience, from: b.from, subject: b.subject, html: b.html, status: "draft", scheduled_at: null, created_at: now() };
        broadcasts.set(item.id, item);
        return { status: 200, body: { id: item.id } };
      } };
    }
    if (parts[0] === "broadcasts" && parts.length === 3 && method === "POST" && (parts[2] === "send" || parts[2] === "cancel")) {
      const action = parts[2];
      return { endpoint: action, run: () => {
        const item = broadcasts.get(parts[1]!);
        if (!item) return notFound("broadcast");
        if (action === "cancel") {
          if (item.status !== "scheduled") return invalid(`broadcast is ${item.status}; only a scheduled broadcast can be canceled`);
          item.status = "draft";
          item.scheduled_at = null;
          return { status: 200, body: { id: item.id } };
        }
        if (item.status !== "draft") return invalid(`broadcast is ${item.status}; only a draft can be sent`);
        if (b.scheduled_at !== undefined) {
          const at = Date.parse(String(b.scheduled_at));
          if (!Number.isFinite(at)) return invalid("scheduled_at is not a date");
          item.status = "scheduled";
          item.scheduled_at = new Date(at).toISOString();
        } else deliver(item);
        return { status: 200, body: { id: item.id } };
      } };
    }
    if (parts[0] === "broadcasts" && parts.length === 2 && (method === "GET" || method === "DELETE")) {
      return { endpoint: method === "GET" ? "get" : "delete", run: () => {
        const item = broadcasts.get(parts[1]!);
        if (!item) return notFound("broadcast");
        if (method === "GET") return { status: 200, body: item };
        if (item.status === "sent") return invalid("a sent broadcast cannot be deleted");
        broadcasts.delete(item.id);
        return { status: 200, body: { id: item.id, deleted: true } };
      } };
    }
    // /contacts[/:idOrEmail] and /audiences/:aid/contacts[/:idOrEmail]
    const audience = parts[0] === "audiences" ? parts[1] : undefined;
    const rest = parts[0] === "audiences" ? parts.slice(2) : parts;
    if (rest[0] !== "contacts") return undefined;
    if (method === "POST" && rest.length === 1) {
      return { endpoint: "contact.create", run: () => {
        if (typeof b.email !== "string" || !b.email.includes("@")) return invalid("email is required");
        const aud = audience ?? (typeof b.audience_id === "string" ? b.audience_id : undefined);
        const existing = findContact(b.email);
        const contact = existing ?? { id: nextId("ct"), email: b.email, audiences: [] };
        if (aud && !contact.audiences.includes(aud)) contact.audiences.push(aud);
        contacts.set(contact.id, contact);
        return { status: 200, body: { id: contact.id } };
      } };
    }
    if (rest.length === 2 && (method === "GET" || method === "DELETE")) {
      return { endpoint: method === "GET" ? "contact.get" : "contact.delete", run: () => {
        const contact = findContact(rest[1]!);
        if (!contact || (audience && !contact.audiences.includes(audience))) return notFound("contact");
        if (method === "GET") return { status: 200, body: contact };
        if (audience) contact.audiences = contact.audiences.filter((a) => a !== audience);
        if (!audience || contact.audiences.length === 0) contacts.delete(contact.id);
        return { status: 200, body: { contact: contact.id, deleted: true } };
      } };
    }
    return undefined;
  }

  const take = <K extends "errors5xx" | "timeoutAfterCommit">(kind: K, endpoint: string): Faults[K] | undefined => {
    const rule = faults[kind];
    if (!rule || rule.next <= 0 || (rule.endpoint !== undefined && rule.endpoint !== endpoint)) return undefined;
    if (rule.endpoint === undefined && !["create", "send", "cancel", "delete", "contact.delete"].includes(endpoint)) return undefined;
    rule.next--;
    return rule;
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? "GET";
    const body = method === "GET" || method === "DELETE" ? {} : await readJson(req);
    const key = method === "POST" ? req.headers["idempotency-key"] as string | undefined : undefined;
    const r = route(method, path, body);
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
      return sendJson(res, 429, { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }, { "retry-after": wait, "ratelimit-reset": wait });
    }
    // Idempotency: a finished key replays, a running or reused one is refused.
    const fingerprint = `${method} ${path} ${JSON.stringify(body)}`;
    const stored = key ? keys.get(key) : undefined;
    if (key && stored && Date.now() - stored.at < DAY_MS) {
      if (stored.fingerprint !== fingerprint) {
        log(409, { fault: "idempotency" });
        return sendJson(res, 409, { statusCode: 409, name: "invalid_idempotent_request", message: "Same idempotency key used with a different request payload" });
      }
      if (!stored.answer) {
        log(409, { fault: "idempotency" });
        return sendJson(res, 409, { statusCode: 409, name: "concurrent_idempotent_requests", message: "Same idempotency key used while the original request is still in progress" });
      }
      log(stored.answer.status, { replayed: true });
      return sendJson(res, stored.answer.status, stored.answer.body, { "idempotent-replayed": "true" });
    }
    const entry: Stored = { fingerprint, at: Date.now() };
    if (key) keys.set(key, entry);
    await holds.wait(r.endpoint, { path }, new Date().toISOString());
    if (faults.latencyMs) await delay(faults.latencyMs);
    const error = take("errors5xx", r.endpoint);
    if (error && !error.afterCommit) {
      if (key) keys.delete(key); // never processed: the key is free again
      log(error.status ?? 500, { fault: "errors5xx" });
      return sendJson(res, error.status ?? 500, { statusCode: error.status ?? 500, name: "internal_server_error", message: "simulated failure" });
    }
    const answer = r.run();
    if (answer.status < 500) entry.answer = answer;
    else if (key) keys.delete(key);
    if (error) {
      log(error.status ?? 500, { fault: "errors5xx afterCommit" });
      return sendJson(res, error.status ?? 500, { statusCode: error.status ?? 500, name: "internal_server_error", message: "simulated failure after commit" });
    }
    if (take("timeoutAfterCommit", r.endpoint)) {
      log(0, { fault: "timeoutAfterCommit" });
      return; // applied, never answered: the client's timeout is the only way out
    }
    log(answer.status);
    sendJson(res, answer.status, answer.body);
  }

  const snapshot = (): ResendSnapshot => ({
    broadcasts: [...broadcasts.values()], contacts: [...contacts.values()], emails, calls,
    held: holds.list(),
  });

  async function handleSim(req: IncomingMessage, res: ServerResponse, path: string) {
    if (path === "/_sim/state") return sendJson(res, 200, snapshot());
    const body = await readJson(req);
    const b = isRecord(body) ? body : {};
    switch (path) {
      case "/_sim/faults":
        faults = mergeFaults(faults, b);
        return sendJson(res, 200, faults);
      case "/_sim/hold":
        holds.add(String(b.endpoint), Number(b.count ?? 1));
        return sendJson(res, 200, { ok: true });
      case "/_sim/release":
        return sendJson(res, 200, { released: holds.release(b.endpoint === undefined ? undefined : String(b.endpoint)) });
      case "/_sim/fire": {
        const until = typeof b.until === "string" ? Date.parse(b.until) : Infinity;
        const due = [...broadcasts.values()].filter((x) => x.status === "scheduled" && Date.parse(x.scheduled_at!) <= until);
        due.forEach(deliver);
        return sendJson(res, 200, { fired: due.map((x) => x.id) });
      }
      case "/_sim/reset":
        broadcasts = new Map(); contacts = new Map(); emails = []; calls = []; keys = new Map(); faults = {};
        holds.release();
        return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { message: `no sim route ${path}` });
  }

  const server = await listen(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://sim").pathname;
    return path.startsWith("/_sim/") ? handleSim(req, res, path) : handleApi(req, res, path);
  }, options.port, options.host);
  return { url: server.url, port: server.port, close: server.close, state: snapshot };
}

export type ResendSimulator = Awaited<ReturnType<typeof startResendSimulator>>;

/** Steering a running simulator over HTTP, from tests or scripts. */
export function resendSimClient(url: string) {
  return {
    faults: (patch: Faults | Record<string, unknown>) => callJson<Faults>(url, "POST", "/_sim/faults", patch),
    hold: (endpoint: string, count = 1) => callJson(url, "POST", "/_sim/hold", { endpoint, count }),
    release: (endpoint?: string) => callJson<{ released: number }>(url, "POST", "/_sim/release", endpoint ? { endpoint } : {}),
    fire: (until?: string) => callJson<{ fired: string[] }>(url, "POST", "/_sim/fire", until ? { until } : {}),
    state: () => callJson<ResendSnapshot>(url, "GET", "/_sim/state"),
    addContact: (email: string, audienceId: string, apiKey = DEFAULT_RESEND_API_KEY) =>
      fetch(`${url}/audiences/${encodeURIComponent(audienceId)}/contacts`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ email }),
      }).then((r) => r.json() as Promise<{ id: string }>),
  };
}
