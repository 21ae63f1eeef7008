// Who is calling, decided once for every function, from the auth settings
// alone: a function's own configuration is loaded only after this succeeds, so
// an anonymous request never learns from a 500 which job variable is missing.
import { z } from "zod";
import { type EnvSource, httpUrl, optional, originList, perIsolate, secret, SettingsError } from "../config.ts";
import { UnauthorizedError } from "../errors.ts";
import { type AccessTokenClaims, basicPassword, bearerToken, secretsEqual, type TokenVerifier } from "./auth.ts";
import { userTokenVerifier } from "./user-token.ts";

/** The callers that may start work: machines with a bearer secret, and signed-in users. */
export type Caller =
  | { kind: "cron" }
  | { kind: "service_role" }
  | { kind: "user"; claims: AccessTokenClaims };

/**
 * Braze's Connected Content call of the delivery guard (HTTP Basic, password
 * BRAZE_GUARD_SECRET). Kept out of `Caller`: it may only read the guard's
 * answer, so no function that starts work can be handed one.
 */
export type BrazeGuardCaller = { kind: "braze_guard" };

export type AnyCaller = Caller | BrazeGuardCaller;
export type CallerKind = AnyCaller["kind"];
export type CallerOf<K extends CallerKind> = Extract<AnyCaller, { kind: K }>;

/**
 * The settings authentication needs, and nothing else. SUPABASE_URL,
 * SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY are provided to every
 * deployed function by the platform
 * (https://supabase.com/docs/guides/functions/secrets#default-secrets); the
 * others are optional.
 */
export const callerEnvSchema = z.object({
  CRON_SECRET: optional(secret(16)),
  SUPABASE_SERVICE_ROLE_KEY: optional(secret()),
  SUPABASE_ANON_KEY: optional(secret()),
  SUPABASE_URL: optional(httpUrl),
  /** Where Supabase Auth answers, when not at SUPABASE_URL (the local stack's Auth simulator). */
  AUTH_URL: optional(httpUrl),
  /**
   * The `iss` of user tokens, when not SUPABASE_URL/auth/v1. Under `supabase
   * start` functions see SUPABASE_URL=http://kong:8000 while Auth issues
   * tokens as http://127.0.0.1:54321/auth/v1.
   */
  AUTH_JWT_ISSUER: optional(z.string().min(1)),
  /** Browser origins allowed to call the user-facing functions; none by default. */
  CORS_ALLOWED_ORIGINS: optional(originList),
  /**
   * The password Braze sends, as Connected Content's `:basic_auth` credential,
   * when a push template asks braze-send-guard whether to deliver.
   */
  BRAZE_GUARD_SECRET: optional(secret(16)),
});

export interface CallerAuth {
  cronSecret?: string;
  serviceRoleKey?: string;
  /** Undefined when the settings to verify user tokens are missing. */
  verifyUser?: TokenVerifier;
  corsOrigins: string[];
  brazeGuardSecret?: string;
}

export function callerAuthFrom(env: z.infer<typeof callerEnvSchema>, fetcher?: typeof fetch): CallerAuth {
  const authUrl = env.AUTH_URL ?? env.SUPABASE_URL;
  const issuer = env.AUTH_JWT_ISSUER ??
    (env.SUPABASE_URL ? `${env.SUPABASE_URL.replace(/\/+$/, "")}/auth/v1` : undefined);
  return {
    cronSecret: env.CRON_SECRET,
    serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
    verifyUser: authUrl && issuer
      ? userTokenVerifier({
        authUrl,
        issuer,
        apiKey: env.SUPABASE_ANON_KEY ?? env.SUPABASE_SERVICE_ROLE_KEY,
        fetch: fetcher,
      })
      : undefined,
    corsOrigins: env.CORS_ALLOWED_ORIGINS ?? [],
    brazeGuardSecret: env.BRAZE_GUARD_SECRET,
  };
}

/** The caller settings, built once per isolate (the JWKS cache lives in them). */
export const callerAuthFromEnv: (source?: EnvSource) => CallerAuth = perIsolate(
  callerEnvSchema,
  (env) => callerAuthFrom(env),
);

/**
 * The caller of `req`, if it is one of `accept`: Bearer CRON_SECRET is
 * `cron`, Bearer service-role key is `service_role`, a verified Supabase Auth
 * user access token is `user` with its claims, HTTP Basic whose password is
 * BRAZE_GUARD_SECRET (any user name) is `braze_guard`. Anything else is 401.
 * A setting an accepted kind needs and lacks is a SettingsError (500), before
 * the token is looked at.
 */
export async function authenticateCaller<K extends CallerKind>(
  req: Request,
  auth: CallerAuth,
  accept: readonly K[],
): Promise<CallerOf<K>> {
  const accepts = (kind: CallerKind) => (accept as readonly CallerKind[]).includes(kind);
  if (accepts("cron") && !auth.cronSecret) throw new SettingsError(["CRON_SECRET"], ["required"]);
  if (accepts("user") && !auth.verifyUser) {
    throw new SettingsError(["SUPABASE_URL"], ["required to verify user tokens (or AUTH_URL and AUTH_JWT_ISSUER)"]);
  }
  if (accepts("braze_guard") && !auth.brazeGuardSecret) throw new SettingsError(["BRAZE_GUARD_SECRET"], ["required"]);
  if (accepts("braze_guard")) {
    // Connected Content's `:basic_auth` sends `Authorization: Basic
    // base64(user:password)`; only the password is the credential.
    const password = basicPassword(req);
    if (password !== null && secretsEqual(password, auth.brazeGuardSecret!)) {
      return { kind: "braze_guard" } as CallerOf<K>;
    }
  }
  const machine = (token: string): AnyCaller | undefined => {
    if (accepts("cron") && secretsEqual(token, auth.cronSecret!)) return { kind: "cron" };
    if (accepts("service_role") && auth.serviceRoleKey && secretsEqual(token, auth.serviceRoleKey)) {
      return { kind: "service_role" };
    }
    return undefined;
  };
  const token = bearerToken(req);
  if (token) {
    const found = machine(token);
    if (found) return found as CallerOf<K>;
    if (accepts("user")) return { kind: "user", claims: await auth.verifyUser!(token) } as CallerOf<K>;
  }
  const wanted = [
    accepts("cron") || accepts("service_role") ? "CRON_SECRET or service-role key" : undefined,
    accepts("user") ? "a user access token" : undefined,
  ].filter(Boolean).join(" or ");
  if (!wanted) throw new UnauthorizedError("a valid Authorization: Basic credential with the guard secret is required");
  throw new UnauthorizedError(`a valid Authorization: Bearer <${wanted}> is required`);
}
