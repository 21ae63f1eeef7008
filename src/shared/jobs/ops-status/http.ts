// The ops-status request: who may read the page, which methods, and the
// response. Read-only, so GET is allowed (a browser opens it) besides POST.
import { UnauthorizedError } from "../../errors.ts";
import { bearerToken, secretsEqual, type ServiceSecrets } from "../../http/auth.ts";
import { logged, type Log } from "../../http/handler.ts";
import { errorResponse, MethodNotAllowedError } from "../../http/respond.ts";
import type { Db } from "../../ports.ts";
import { renderPage } from "./page.ts";
import { loadSnapshot } from "./snapshot.ts";

/**
 * Bearer CRON_SECRET or service-role key in the Authorization header, or the
 * same secret as `?token=`. The query token exists because a person opening
 * the page in a browser (and the headless-browser test) cannot set a header.
 * It is acceptable here because the page is read-only, served on 127.0.0.1 in
 * the local stack, and answers with Referrer-Policy: no-referrer and no
 * outgoing links or assets, so the URL does not leak onwards. In production
 * prefer the header: a URL can end up in browser history, proxy and platform
 * access logs. Both paths compare in constant time.
 */
export function requireOpsCaller(req: Request, secrets: ServiceSecrets): "cron" | "service_role" {
  const candidates = [bearerToken(req), new URL(req.url).searchParams.get("token")];
  for (const token of candidates) {
    if (!token) continue;
    if (secretsEqual(token, secrets.cronSecret)) return "cron";
    if (secrets.serviceRoleKey && secretsEqual(token, secrets.serviceRoleKey)) return "service_role";
  }
  throw new UnauthorizedError("a valid Authorization: Bearer <CRON_SECRET or service-role key> (or ?token=) is required");
}

/** Like postHandler, for a read-only resource: GET and POST, error mapping, one JSON log line. */
export function getHandler(handle: (req: Request) => Promise<Response>, log?: Log): (req: Request) => Promise<Response> {
  return logged(async (req) => {
    try {
      if (req.method !== "GET" && req.method !== "POST") throw new MethodNotAllowedError(`${req.method} is not allowed; use GET or POST`);
      return await handle(req);
    } catch (e) {
      return errorResponse(e);
    }
  }, log);
}

export const PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  // No script at all, inline styles only, and no framing.
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export interface OpsStatusPorts {
  db: Db;
  secrets: ServiceSecrets;
}

/** `ports` is called per request so a misconfigured function answers 500 naming the variable. */
export function opsStatusHandler(ports: () => OpsStatusPorts, log?: Log): (req: Request) => Promise<Response> {
  return getHandler(async (req) => {
    const { db, secrets } = ports();
    requireOpsCaller(req, secrets);
    const snapshot = await loadSnapshot(db);
    return new Response(renderPage(snapshot), { status: 200, headers: PAGE_HEADERS });
  }, log);
}
