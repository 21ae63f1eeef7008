// One configuration pattern for every function: the environment is parsed with
// a zod schema built from the blocks below, once per isolate, and any problem
// is a SettingsError that names the variables at fault, never their values (a
// value may be a secret, and error bodies and logs are read by people who must
// not see it).
import { z } from "zod";
import { ConfigError } from "./errors.ts";

declare const Deno: { env: { toObject(): Record<string, string> } } | undefined;

export type EnvSource = Record<string, string | undefined>;

/** The process environment, under Deno (the Edge Runtime) or Node (tests, tools). */
export function processEnv(): EnvSource {
  if (typeof Deno !== "undefined") return Deno.env.toObject();
  return (globalThis as { process?: { env: EnvSource } }).process?.env ?? {};
}

/**
 * A configuration problem: which variables, and what is wrong with each in
 * words that never repeat the value. Answered as 500 with this message.
 */
export class SettingsError extends ConfigError {
  constructor(readonly variables: string[], reasons: string[] = []) {
    const named = variables.map((v, i) => (reasons[i] ? `${v} (${reasons[i]})` : v)).join(", ");
    super(`environment is missing or invalid: ${named}`);
  }

  /**
   * From a zod error over an environment object: the issue paths are the
   * variable names. Zod's messages describe the expectation ("Too big:
   * expected number to be <=720"), not the input, so they are safe to show.
   */
  static fromZod(error: z.ZodError): SettingsError {
    const byName = new Map<string, string>();
    for (const issue of error.issues) {
      const name = issue.path.map(String).join(".") || "(environment)";
      if (!byName.has(name)) byName.set(name, issue.message);
    }
    return new SettingsError([...byName.keys()], [...byName.values()]);
  }
}

/** Parses `source` with `schema`; a failure is a SettingsError naming every bad variable. */
export function loadEnv<S extends z.ZodType>(schema: S, source: EnvSource = processEnv()): z.infer<S> {
  const result = schema.safeParse(source);
  if (!result.success) throw SettingsError.fromZod(result.error);
  return result.data;
}

/**
 * `build(env)` once per distinct parsed environment, for the life of the
 * isolate. An Edge Runtime isolate serves many requests; a database pool, a
 * JWKS cache or an HTTP client built per request would throw away exactly the
 * state that makes the next request cheap (and a pool per request exhausts
 * the database). The environment is still parsed on every call, so a
 * misconfigured function answers each request with a SettingsError instead of
 * caching a failure; a zod error raised inside `build` (settings derived from
 * the environment) is turned into a SettingsError too.
 */
export function perIsolate<S extends z.ZodType, T>(
  schema: S,
  build: (env: z.infer<S>) => T,
): (source?: EnvSource) => T {
  const built = new Map<string, T>();
  return (source = processEnv()) => {
    const env = loadEnv(schema, source);
    const key = JSON.stringify(env);
    if (built.has(key)) return built.get(key)!;
    let value: T;
    try {
      value = build(env);
    } catch (e) {
      if (e instanceof z.ZodError) throw SettingsError.fromZod(e);
      throw e;
    }
    built.set(key, value);
    return value;
  };
}

// ---------------------------------------------------------------------------
// Building blocks. Bounds live in the schema, next to the variable, so an
// out-of-range value is refused by name before anything is built from it.
// ---------------------------------------------------------------------------

/** An unset variable and one set to the empty string mean the same: not set. */
export function optional<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
}

/** A whole number within [min, max], from its decimal text. */
export function intIn(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

/** `true` or `false`, spelled exactly so. */
export const flag = z.enum(["true", "false"]).transform((v) => v === "true");

/** An http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/ });

/** A secret of at least `min` characters (the message names the bound, never the value). */
export function secret(min = 1) {
  return z.string().min(min, `must be at least ${min} characters`);
}

/** A comma-separated list variable; blanks dropped. */
export const csv = z
  .string()
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean));

/** Go durations as GoTrue parses them ("876000h", "1h30m", "250ms"). */
export const goDuration = z.string().regex(
  /^(\d+(\.\d+)?(h|m|s|ms))+$/,
  "must be a Go duration such as 876000h or 30m",
);

/** A comma-separated list of web origins (scheme://host[:port]), each normalised by the URL parser. */
export const originList = csv.pipe(
  z.array(
    z.string().refine((s) => {
      try {
        const u = new URL(s);
        return (u.protocol === "http:" || u.protocol === "https:") && u.origin === s.replace(/\/$/, "");
      } catch {
        return false;
      }
    }, "each entry must be an origin such as https://app.example.com (no path)").transform((s) => new URL(s).origin),
  ),
);

// ---------------------------------------------------------------------------
// Settings several functions share, with their bounds, stated once.
// ---------------------------------------------------------------------------

/** Per-request timeout of an outside call, in milliseconds. */
export const timeoutMs = intIn(100, 120_000);

/** Requests of one outside call, the first included (a write is repeated only when it certainly did not land). */
export const requestAttempts = intIn(1, 10);

/** A job lease's TTL: renewed every third of it, so at least a few seconds; at most an hour. */
export const leaseTtlSeconds = intIn(5, 3600);

/** How to reach the database. Deployed functions go through PostgREST; the local stack connects directly. */
export const dbEnv = {
  DB_ADAPTER: z.enum(["rest", "direct"]).default("rest"),
  SUPABASE_URL: optional(httpUrl),
  SUPABASE_SERVICE_ROLE_KEY: optional(secret()),
  SUPABASE_DB_URL: optional(secret()),
};

/** Resend, as broadcasts and delete-user call it. */
export const resendEnv = {
  RESEND_API_URL: httpUrl.default("https://api.resend.com"),
  RESEND_API_KEY: secret(),
  RESEND_TIMEOUT_MS: timeoutMs.default(10_000),
  RESEND_MAX_ATTEMPTS: requestAttempts.default(3),
};

/** The Resend connection settings in the shape the client takes. */
export function resendConnection(env: {
  RESEND_API_URL: string;
  RESEND_API_KEY: string;
  RESEND_TIMEOUT_MS: number;
  RESEND_MAX_ATTEMPTS: number;
}) {
  return {
    baseUrl: env.RESEND_API_URL,
    apiKey: env.RESEND_API_KEY,
    timeoutMs: env.RESEND_TIMEOUT_MS,
    maxAttempts: env.RESEND_MAX_ATTEMPTS,
  };
}
