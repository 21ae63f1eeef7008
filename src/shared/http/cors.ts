// CORS for the functions a browser calls (calendar-sync, broadcasts,
// delete-user). A web app on another origin sends a preflight OPTIONS before
// its POST with an Authorization header; without an answer naming its origin
// the browser never sends the POST, and without Access-Control-Allow-Origin on
// the POST's answer (errors included) the page cannot read it
// (https://fetch.spec.whatwg.org/#http-cors-protocol). The allowed origins are
// a list from CORS_ALLOWED_ORIGINS, none by default: echoing any Origin would
// let every site drive a signed-in user's browser against these functions.
// The header names are the ones supabase-js sends when invoking a function
// (https://supabase.com/docs/guides/functions/cors).
import { AppError } from "../errors.ts";

export const ALLOWED_HEADERS = "authorization, x-client-info, apikey, content-type";
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

export class CorsOriginRefused extends AppError {
  override readonly kind = "forbidden";
}

/** The CORS headers for an answer to `origin`: none unless it is allowed (Vary always, for caches). */
export function corsHeaders(
  origin: string | null,
  allowed: readonly string[],
  methods: readonly string[],
): Record<string, string> {
  if (!origin || !allowed.includes(origin)) return { vary: "Origin" };
  return {
    vary: "Origin",
    "access-control-allow-origin": origin,
    "access-control-allow-methods": [...methods, "OPTIONS"].join(", "),
    "access-control-allow-headers": ALLOWED_HEADERS,
    "access-control-max-age": String(PREFLIGHT_MAX_AGE_SECONDS),
  };
}

/** A CORS preflight: OPTIONS with an Origin and the method the page wants to send. */
export function isPreflight(req: Request): boolean {
  return req.method === "OPTIONS" && req.headers.has("origin") && req.headers.has("access-control-request-method");
}

/** 204 with the headers for an allowed origin; otherwise a 403 that carries none, so the browser stops. */
export function preflightResponse(req: Request, allowed: readonly string[], methods: readonly string[]): Response {
  const origin = req.headers.get("origin");
  if (!origin || !allowed.includes(origin)) {
    throw new CorsOriginRefused("this origin may not call this function from a browser (CORS_ALLOWED_ORIGINS)");
  }
  return new Response(null, { status: 204, headers: corsHeaders(origin, allowed, methods) });
}

/** `response` with `headers` added (a Response's own headers may be immutable). */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  const out = new Response(response.body, response);
  for (const [k, v] of Object.entries(headers)) out.headers.set(k, v);
  return out;
}
