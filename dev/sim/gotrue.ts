// The GoTrue (Supabase Auth) admin simulator: the endpoints supabase-js
// `auth.admin` calls, answering the way GoTrue does (the user object itself;
// errors as {code, error_code, msg}), plus fault switches and a log of every
// call and side effect. Steered and inspected through /_sim/*:
//   POST /_sim/faults {latencyMs, errors5xx:{next,status,afterCommit,endpoint}, timeoutAfterCommit:{next,endpoint}}
//   POST /_sim/hold {endpoint, count}   POST /_sim/release {endpoint?}   POST /_sim/reset   GET /_sim/state
// Endpoint names: create, get, update, delete.
//   POST   /auth/v1/admin/users        create {email, password?, app_metadata?, user_metadata?, ban_duration?}
//   GET    /auth/v1/admin/users/:id    get
//   PUT    /auth/v1/admin/users/:id    update {ban_duration: "876000h" | "none", email?, app_metadata?, ...}
//   DELETE /auth/v1/admin/users/:id    delete {should_soft_delete?}
// These are the requests supabase-js 2.84.0 sends (node_modules/@supabase/auth-js
// GoTrueAdminApi: createUser POST /admin/users, getUserById GET
// /admin/users/{uid}, updateUserById PUT /admin/users/{uid}, deleteUser DELETE
// /admin/users/{id} with body {should_soft_delete: false} by default), answered
// as GoTrue's handlers do (supabase/auth internal/api/admin.go): loadUser
// answers 400 "user_id must be an UUID" for a malformed id and 404 "User not
// found" for an unknown one; ban_duration is a Go duration parsed with
// time.ParseDuration, "none" lifts the ban; adminUserDelete destroys the user
// unless should_soft_delete is true, in which case the row stays (deleted_at
// set): modelled, so a client that soft-deletes is seen to leave the user.
// Docs: https://supabase.com/docs/reference/javascript/auth-admin-updateuserbyid,
// https://supabase.com/docs/reference/javascript/auth-admin-deleteuser.

import { controlRouter, holdRoutes, stateAndFaultRoutes } from "./control.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authTokenRoutes, LOCAL_JWT_SECRET } from "./auth-tokens.ts";
import { type HeldCall, Holds } from "./holds.ts";
import { callJson, delay, isRecord, listen, readJson, sendJson } from "./common.ts";
import { LOCAL_SECRETS } from "../local-secrets.ts";

export const DEFAULT_GOTRUE_SERVICE_KEY: string = LOCAL_SECRETS.serviceRole;

export interface GoTrueSimulatorOptions {
  port: number;
  host?: string;
  serviceRoleKey?: string;
  jwtSecret?: string;
}
export interface SimAuthUser {
  id: string;
  aud: string;
  role: string;
  email: string;
  banned_until: string | null;
  deleted_at?: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}
/** One call as the simulator saw it; `at` is when it was answered (or, never answered, applied). */
export interface SimAuthCall {
  endpoint: string;
  user_id?: string;
  status: number;
  fault?: string;
  effect?: string;
  at?: string;
}
export interface GoTrueSnapshot {
  users: SimAuthUser[];
  calls: SimAuthCall[];
  held: HeldCall[];
}
interface Faults {
  latencyMs?: number;
  errors5xx?: { next: number; status?: number; afterCommit?: boolean; endpoint?: string };
  timeoutAfterCommit?: { next: number; endpoint?: string };
}
type Answer = { status: number; body: unknown; effect?: string };

/** Go durations as GoTrue parses them for ban_duration: "876000h", "30m", "1h30m", "none". */
function parseDuration(text: string): number | null | undefined {
  if (text === "none") return null;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let rest = text;
  const part = /^(\d+(?:\.\d+)?)(ms|h|m|s)/;
  if (!rest) return undefined;
  while (rest) {
    const m = part.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

export async function startGoTrueSimulator(options: GoTrueSimulatorOptions) {
  const serviceKey = options.serviceRoleKey ?? DEFAULT_GOTRUE_SERVICE_KEY;
  let users = new Map<string, SimAuthUser>();
  let calls: SimAuthCall[] = [];
  let faults: Faults = {};
  const holds = new Holds();

  const notFound = (): Answer => ({
    status: 404,
    body: { code: 404, error_code: "user_not_found", msg: "User not found" },
  });
  const bad = (msg: string): Answer => ({ status: 400, body: { code: 400, error_code: "validation_failed", msg } });
  const applyBan = (user: SimAuthUser, value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    const ms = parseDuration(String(value));
    if (ms === undefined) return "ban_duration: invalid duration";
    user.banned_until = ms === null ? null : new Date(Date.now() + ms).toISOString();
    return undefined;
  };

  function route(
    method: string,
    path: string,
    body: unknown,
  ): { endpoint: string; userId?: string; run: () => Answer } | undefined {
    const b = isRecord(body) ? body : {};
    const m = /^\/auth\/v1\/admin\/users(?:\/([^/]+))?$/.exec(path);
    if (!m) return undefined;
    const id = m[1] ? decodeURIComponent(m[1]) : undefined;
    if (!id && method === "POST") {
      return {
        endpoint: "create",
        run: () => {
          if (typeof b.email !== "string" || !b.email.includes("@")) return bad("email: a valid address is required");
          if ([...users.values()].some((u) => u.email === (b.email as string).toLowerCase())) {
            return {
              status: 422,
              body: {
                code: 422,
                error_code: "email_exists",
                msg: "A user with this email address has already been registered",
              },
            };
          }
          const now = new Date().toISOString();
          const user: SimAuthUser = {
            id: typeof b.id === "string" ? b.id : crypto.randomUUID(),
            aud: "authenticated",
            role: "authenticated",
            email: b.email.toLowerCase(),
            banned_until: null,
            app_metadata: {
              provider: "email",
              providers: ["email"],
              ...(isRecord(b.app_metadata) ? b.app_metadata : {}),
            },
            user_metadata: isRecord(b.user_metadata) ? b.user_metadata : {},
            created_at: now,
            updated_at: now,
          };
          const error = applyBan(user, b.ban_duration);
          if (error) return bad(error);
          users.set(user.id, user);
          return { status: 200, body: user, effect: "created" };
        },
      };
    }
    if (!id) return undefined;
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (!UUID.test(id) && ["GET", "PUT", "DELETE"].includes(method)) {
      const endpoint = method === "GET" ? "get" : method === "PUT" ? "update" : "delete";
      return { endpoint, userId: id, run: () => bad("user_id must be an UUID") };
    }
    if (method === "GET") {
      return {
        endpoint: "get",
        userId: id,
        run: () => (users.has(id) ? { status: 200, body: users.get(id) } : notFound()),
      };
    }
    if (method === "PUT") {
      return {
        endpoint: "update",
        userId: id,
        run: () => {
          const user = users.get(id);
          if (!user) return notFound();
          const copy = { ...user };
          const error = applyBan(copy, b.ban_duration);
          if (error) return bad(error);
          if (typeof b.email === "string") copy.email = b.email.toLowerCase();
          if (isRecord(b.app_metadata)) copy.app_metadata = { ...copy.app_metadata, ...b.app_metadata };
          if (isRecord(b.user_metadata)) copy.user_metadata = { ...copy.user_metadata, ...b.user_metadata };
          copy.updated_at = new Date().toISOString();
          users.set(id, copy);
          const effect = b.ban_duration === undefined ? "updated" : b.ban_duration === "none" ? "unbanned" : "banned";
          return { status: 200, body: copy, effect };
        },
      };
    }
    if (method === "DELETE") {
      return {
        endpoint: "delete",
        userId: id,
        run: () => {
          const user = users.get(id);
          if (!user) return notFound();
          if (b.should_soft_delete === true) {
            // Soft delete keeps the user (GoTrue sets deleted_at and obfuscates identities).
            if (!user.deleted_at) users.set(id, { ...user, deleted_at: new Date().toISOString() });
            return { status: 200, body: {}, effect: "soft_deleted" };
          }
          users.delete(id);
          return { status: 200, body: {}, effect: "deleted" };
        },
      };
    }
    return undefined;
  }

  const take = <K extends "errors5xx" | "timeoutAfterCommit">(kind: K, endpoint: string): Faults[K] | undefined => {
    const rule = faults[kind];
    if (!rule || rule.next <= 0 || (rule.endpoint !== undefined ? rule.endpoint !== endpoint : endpoint === "get")) {
      return undefined;
    }
    rule.next--;
    return rule;
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? "GET";
    const body = method === "GET" ? {} : await readJson(req);
    const r = route(method, path, body);
    const log = (status: number, extra: Partial<SimAuthCall> = {}) =>
      calls.push({
        endpoint: r?.endpoint ?? "unknown",
        ...(r?.userId ? { user_id: r.userId } : {}),
        status,
        ...extra,
        at: new Date().toISOString(),
      });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (token !== serviceKey) {
      log(401);
      return sendJson(res, 401, {
        code: 401,
        error_code: "no_authorization",
        msg: "This endpoint requires a valid service_role key",
      });
    }
    if (!r) return sendJson(res, 404, { code: 404, error_code: "not_found", msg: `no route ${method} ${path}` });
    await holds.wait(r.endpoint, { user_id: r.userId }, new Date().toISOString());
    if (faults.latencyMs) await delay(faults.latencyMs);
    const error = take("errors5xx", r.endpoint);
    const fail = (after: boolean) => {
      const status = error!.status ?? 500;
      log(status, {
        fault: after ? "errors5xx afterCommit" : "errors5xx",
        ...(after && answer?.effect ? { effect: answer.effect } : {}),
      });
      sendJson(res, status, { code: status, error_code: "unexpected_failure", msg: "simulated failure" });
    };
    if (error && !error.afterCommit) return fail(false);
    const answer: Answer | undefined = r.run();
    if (error) return fail(true);
    if (take("timeoutAfterCommit", r.endpoint)) {
      log(0, { fault: "timeoutAfterCommit", ...(answer.effect ? { effect: answer.effect } : {}) });
      return; // applied, never answered
    }
    log(answer.status, answer.effect ? { effect: answer.effect } : {});
    sendJson(res, answer.status, answer.body);
  }

  const snapshot = (): GoTrueSnapshot => ({
    users: [...users.values()],
    calls,
    held: holds.list(),
  });

  const control = controlRouter({
    ...stateAndFaultRoutes({ snapshot, faults: { get: () => faults, set: (next) => (faults = next) } }),
    ...holdRoutes(holds),
    "POST /_sim/reset": () => {
      users = new Map();
      calls = [];
      faults = {};
      holds.release();
      return { body: { ok: true } };
    },
  });

  const tokens = authTokenRoutes({
    hs256Secret: options.jwtSecret ?? LOCAL_JWT_SECRET,
    findUser: (id) => users.get(id),
  });
  const server = await listen(
    async (req, res) => {
      const path = new URL(req.url ?? "/", "http://sim").pathname;
      if (await tokens.handle(req, res, path)) return;
      if (await control(req, res, path)) return;
      return handleApi(req, res, path);
    },
    options.port,
    options.host,
  );
  return { url: server.url, port: server.port, close: server.close, state: snapshot };
}

export type GoTrueSimulator = Awaited<ReturnType<typeof startGoTrueSimulator>>;

/** Steering a running simulator over HTTP. */
export function goTrueSimClient(url: string, serviceRoleKey = DEFAULT_GOTRUE_SERVICE_KEY) {
  return {
    faults: (patch: Faults | Record<string, unknown>) => callJson<Faults>(url, "POST", "/_sim/faults", patch),
    hold: (endpoint: string, count = 1) => callJson(url, "POST", "/_sim/hold", { endpoint, count }),
    release: (endpoint?: string) =>
      callJson<{ released: number }>(url, "POST", "/_sim/release", endpoint ? { endpoint } : {}),
    state: () => callJson<GoTrueSnapshot>(url, "GET", "/_sim/state"),
    async createUser(
      input: { id?: string; email: string; app_metadata?: Record<string, unknown> },
    ): Promise<SimAuthUser> {
      const res = await fetch(`${url}/auth/v1/admin/users`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${serviceRoleKey}`,
          apikey: serviceRoleKey,
          "content-type": "application/json",
        },
        body: JSON.stringify(input),
      });
      if (!res.ok) throw new Error(`create user -> ${res.status}: ${await res.text()}`);
      return (await res.json()) as SimAuthUser;
    },
  };
}
