// Caller authentication shared by every function.
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { ConfigError, UnauthorizedError } from "../errors.ts";

export function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
  return match?.[1] ?? null;
}

/** Constant-time comparison, so a wrong secret's timing says nothing about the right one. */
export function secretsEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export interface ServiceSecrets {
  cronSecret: string;
  serviceRoleKey?: string;
}

/**
 * Machine callers: Supabase Cron (Bearer CRON_SECRET) or an operator holding
 * the service-role key. Returns which one, for the run history.
 */
export function requireServiceCaller(req: Request, secrets: ServiceSecrets): "cron" | "service_role" {
  const token = bearerToken(req);
  if (token && secretsEqual(token, secrets.cronSecret)) return "cron";
  if (token && secrets.serviceRoleKey && secretsEqual(token, secrets.serviceRoleKey)) return "service_role";
  throw new UnauthorizedError("a valid Authorization: Bearer <CRON_SECRET or service-role key> is required");
}

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  role?: string;
  app_metadata?: Record<string, unknown>;
}

export type TokenVerifier = (token: string) => Promise<AccessTokenClaims>;

/**
 * Supabase Auth access tokens: HS256 with the project's JWT secret (local stack,
 * legacy projects) or asymmetric keys from the project's JWKS endpoint.
 */
export function accessTokenVerifier(options: { jwtSecret?: string; jwksUrl?: string; issuer?: string }): TokenVerifier {
  const key = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  if (!key && !jwks) throw new Error("accessTokenVerifier needs jwtSecret or jwksUrl");
  return async (token) => {
    try {
      const { payload } = key
        ? await jwtVerify(token, key, { algorithms: ["HS256"], issuer: options.issuer })
        : await jwtVerify(token, jwks!, { issuer: options.issuer });
      if (typeof payload.sub !== "string" || payload.sub === "") throw new Error("token has no subject");
      return payload as AccessTokenClaims;
    } catch (e) {
      throw new UnauthorizedError(`invalid access token: ${(e as Error).message}`);
    }
  };
}

/**
 * The verifier for Supabase Auth user tokens a project's settings call for:
 * the HS256 secret when one is set (the local stack, legacy projects),
 * otherwise the project's JWKS endpoint.
 */
export function userTokenVerifier(env: { SUPABASE_JWT_SECRET?: string; SUPABASE_URL?: string }): TokenVerifier {
  if (env.SUPABASE_JWT_SECRET) return accessTokenVerifier({ jwtSecret: env.SUPABASE_JWT_SECRET });
  if (env.SUPABASE_URL) return accessTokenVerifier({ jwksUrl: new URL("/auth/v1/.well-known/jwks.json", env.SUPABASE_URL).href });
  throw new ConfigError("environment is missing or invalid: SUPABASE_JWT_SECRET or SUPABASE_URL (to verify user tokens)");
}
