// The common shell of every edge function: method check, caller check, then
// the function's configuration, body and run; error mapping; CORS for the
// browser-facing ones; and one JSON log line per request (with the run id when
// the answer carries one), so a run in job_runs can be found in the function
// logs and vice versa.
import { z } from "zod";
import type { EnvSource } from "../config.ts";
import {
  type AnyCaller,
  authenticateCaller,
  type CallerAuth,
  callerAuthFromEnv,
  type CallerKind,
  type CallerOf,
} from "./caller.ts";
import { corsHeaders, isPreflight, preflightResponse, withHeaders } from "./cors.ts";
import { drain, parseJson, readBody } from "./parse.ts";
import { errorResponse, MethodNotAllowedError } from "./respond.ts";

export type Log = (line: string) => void;

/** The function's name from its URL: /functions/v1/<name>/… locally and on the platform, /<name>/… inside the edge runtime. */
export function functionName(url: string): string {
  const path = new URL(url).pathname.replace(/^\/functions\/v1\//, "/");
  return path.split("/").find(Boolean) ?? "unknown";
}

async function runIdOf(response: Response): Promise<string | undefined> {
  if (!response.headers.get("content-type")?.includes("application/json")) return undefined;
  try {
    const body = (await response.clone().json()) as { run_id?: unknown };
    return typeof body?.run_id === "string" ? body.run_id : undefined;
  } catch {
    return undefined;
  }
}

export function logged(
  handle: (req: Request) => Promise<Response>,
  log: Log = console.log,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const started = performance.now();
    const response = await handle(req);
    log(
      JSON.stringify({
        fn: functionName(req.url),
        method: req.method,
        status: response.status,
        ms: Math.round(performance.now() - started),
        run_id: await runIdOf(response),
      }),
    );
    return response;
  };
}

/**
 * Reads and drops what is left of a refused request's body, up to a bound.
 * Deno's HTTP server (2.1, the hosted runtime's) drops the connection without
 * sending the answer when a handler answers a chunked request whose body it
 * never read, so the caller would see no 401 at all (see parse.ts `drain`).
 */
async function discardBody(req: Request): Promise<void> {
  if (!req.body || req.bodyUsed) return;
  await drain(req.body.getReader());
}

/** The body a machine-run job accepts: {} (or nothing, which reads as {}). */
export const emptyBody = z.object({}).strict();

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface RunContext<K extends CallerKind, Config, Body, Verified = undefined> {
  req: Request;
  caller: CallerOf<K>;
  config: Config;
  body: Body;
  /** What `verifyBody` returned: set only for a function whose sender signs its body. */
  verified: Verified;
  /** `<caller kind>:<fresh uuid>` (`user:<sub>` for a user): who started a run, for job_runs. */
  runLabel: string;
}

export interface HandlerSpec<K extends CallerKind, Config, S extends z.ZodType, Verified = undefined> {
  /** Allowed methods; default ["POST"]. Anything else is 405 before the caller is looked at. */
  methods?: readonly string[];
  /**
   * Who may call: "cron" (Bearer CRON_SECRET), "service_role" (Bearer service-role key), "user" (a verified user
   * token), "braze_guard" (HTTP Basic with BRAZE_GUARD_SECRET as password).
   */
  callers: readonly K[];
  /** Browser-facing: answer CORS preflights and put Access-Control-Allow-* on every answer to an allowed origin. */
  cors?: boolean;
  /** The function's own configuration, loaded only once the caller is authenticated (use perIsolate). */
  config: () => Config;
  /** A check on the authenticated caller that needs the configuration (a role): throw ForbiddenError. */
  authorize?: (caller: CallerOf<K>, config: Config) => void;
  /** Body schema (or one built from the configuration); default `emptyBody`; `null` reads no body. */
  body?: S | ((config: Config) => S) | null;
  maxBodyBytes?: number | ((config: Config) => number);
  /**
   * For a sender that signs its body instead of presenting a secret (Resend's
   * webhooks, signed the Svix way). Use with `callers: []`: the signature is
   * the authentication. The handler loads the configuration (the signing
   * secret is in it, so a missing secret is a 500 naming it), reads the raw
   * body up to `maxBodyBytes` and calls this before anything is parsed; it
   * throws UnauthorizedError (401) unless the signature matches, and what it
   * returns reaches `run` as `verified`. `body` is not read.
   */
  verifyBody?: (config: Config, raw: string, headers: Headers) => Verified;
  run: (ctx: RunContext<K, Config, z.infer<S>, Verified>) => Promise<Response>;
  /** Tests: the caller settings (default: from the environment, once per isolate) and the log sink. */
  auth?: (source?: EnvSource) => CallerAuth;
  log?: Log;
}

/**
 * One edge function, as `export default handler({...})` in its index.ts.
 * Order, each step refusing before the next: method (405) -> caller from the
 * auth settings only (401; 500 naming an auth variable) -> the function's
 * configuration (500 naming the variable) -> `authorize` (403) -> body
 * (400/413) -> `run`. A CORS preflight from an allowed origin is 204. With
 * `verifyBody`: method -> configuration -> raw body (413) -> signature (401)
 * -> `run`.
 */
export function handler<K extends CallerKind, Config, S extends z.ZodType = typeof emptyBody, Verified = undefined>(
  spec: HandlerSpec<K, Config, S, Verified>,
): { fetch: (req: Request) => Promise<Response> } {
  if (spec.verifyBody && spec.callers.length > 0) {
    throw new Error("verifyBody is the authentication of a signed body: give it callers: []");
  }
  const methods = spec.methods ?? ["POST"];
  const authFrom = spec.auth ?? callerAuthFromEnv;
  const fetch = logged(async (req) => {
    let cors: Record<string, string> = {};
    try {
      if (spec.cors) {
        const auth = authFrom();
        cors = corsHeaders(req.headers.get("origin"), auth.corsOrigins, methods);
        if (isPreflight(req)) return preflightResponse(req, auth.corsOrigins, methods);
      }
      if (!methods.includes(req.method)) {
        throw new MethodNotAllowedError(`${req.method} is not allowed; use ${methods.join(" or ")}`);
      }
      const max = (config: Config) =>
        typeof spec.maxBodyBytes === "function"
          ? spec.maxBodyBytes(config)
          : spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      if (spec.verifyBody) {
        const config = spec.config();
        const verified = spec.verifyBody(config, await readBody(req, max(config)), req.headers);
        const ctx = { req, caller: undefined as never, config, body: undefined as z.infer<S>, verified };
        return withHeaders(await spec.run({ ...ctx, runLabel: `signed:${crypto.randomUUID()}` }), cors);
      }
      const caller = await authenticateCaller(req, authFrom(), spec.callers);
      const config = spec.config();
      spec.authorize?.(caller, config);
      const schema = spec.body === undefined
        ? emptyBody
        : typeof spec.body === "function"
        ? spec.body(config)
        : spec.body;
      const body = schema === null ? undefined : await parseJson(req, schema, max(config));
      const who = caller as AnyCaller;
      const runLabel = who.kind === "user" ? `user:${who.claims.sub}` : `${who.kind}:${crypto.randomUUID()}`;
      const ctx = { req, caller, config, body: body as z.infer<S>, verified: undefined as Verified, runLabel };
      return withHeaders(await spec.run(ctx), cors);
    } catch (e) {
      await discardBody(req);
      return withHeaders(errorResponse(e), cors);
    }
  }, spec.log);
  return { fetch };
}
