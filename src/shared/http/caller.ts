// Who is calling, decided once for every function, from the auth settings
// alone: a function's own configuration is loaded only after this succeeds, so
// an anonymous request never learns from a 500 which job variable is missing.
import { z } from "zod";
import { type EnvSource, httpUrl, optional, originList, perIsolate, secret, SettingsError } from "../config.ts";
import { UnauthorizedError } from "../errors.ts";
import { type AccessTokenClaims, bearerToken, secretsEqual, type TokenVerifier } from "./auth.ts";
import { userTokenVerifier } from "./user-token.ts";

export type Caller =
  | { kind: "cron" }
  | { kind: "service_role" }
  | { kind: "user"; claims: AccessTokenClaims };

export type CallerKind = Caller["kind"];
export type CallerOf<K extends CallerKind> = Extract<Caller, { kind: K }>;

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
});

export interface CallerAuth {
  cronSecret?: string;
  serviceRoleKey?: string;
  /** Undefined when the settings to verify user tokens are missing. */
  verifyUser?: TokenVerifier;
  corsOrigins: string[];
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
  };
}

/** The caller settings, built once per isolate (the JWKS cache lives in them). */
export const callerAuthFromEnv: (source?: EnvSource) => CallerAuth = perIsolate(
  callerEnvSchema,
  (env) => callerAuthFrom(env),
);

export interface AuthenticateOptions {
  /**
   * Also accept the machine secret as `?token=` (a person opening a read-only
   * page in a browser cannot set a header). Never for user tokens.
   */
  queryToken?: boolean;
}

/**
 * The caller of `req`, if it is one of `accept`: Bearer CRON_SECRET is
 * `cron`, Bearer service-role key is `service_role`, a verified Supabase Auth
 * user access token is `user` with its claims. Anything else is 401.
 * A setting an accepted kind needs and lacks is a SettingsError (500), before
 * the token is looked at.
 */
export async function authenticateCaller<K extends CallerKind>(
  req: Request,
  auth: CallerAuth,
  accept: readonly K[],
  options: AuthenticateOptions = {},
): Promise<CallerOf<K>> {
  const accepts = (kind: CallerKind) => (accept as readonly CallerKind[]).includes(kind);
  if (accepts("cron") && !auth.cronSecret) throw new SettingsError(["CRON_SECRET"], ["required"]);
  if (accepts("user") && !auth.verifyUser) {
    throw new SettingsError(["SUPABASE_URL"], ["required to verify user tokens (or AUTH_URL and AUTH_JWT_ISSUER)"]);
  }
  const machine = (token: string): Caller | undefined => {
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
  if (options.queryToken) {
    const fromQuery = new URL(req.url).searchParams.get("token");
    const found = fromQuery ? machine(fromQuery) : undefined;
    if (found) return found as CallerOf<K>;
  }
  const wanted = [
    accepts("cron") || accepts("service_role") ? "CRON_SECRET or service-role key" : undefined,
    accepts("user") ? "a user access token" : undefined,
  ].filter(Boolean).join(" or ");
  throw new UnauthorizedError(`a valid Authorization: Bearer <${wanted}> is required`);
}
