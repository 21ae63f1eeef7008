// Caller authentication primitives shared by every function: the bearer
// token, constant-time secret comparison, and the user-token verifier (whose
// home is user-token.ts). authenticateCaller (caller.ts) puts them together.
import { createHash, timingSafeEqual } from "node:crypto";
import { UnauthorizedError } from "../errors.ts";

export { type AccessTokenClaims, accessTokenVerifier, type TokenVerifier, userTokenVerifier } from "./user-token.ts";

export function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
  return match?.[1] ?? null;
}

/**
 * The password of an `Authorization: Basic base64(user:password)` header
 * (RFC 7617: the user name ends at the first colon; the password may hold
 * colons), or null when the header is absent or not Basic.
 */
export function basicPassword(req: Request): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(req.headers.get("authorization") ?? "");
  if (!match) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)),
    );
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : decoded.slice(colon + 1);
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * Whether a presented secret is the expected one, in constant time. Both are
 * hashed first, so timingSafeEqual compares two 32-byte digests: the time
 * taken says nothing about the expected secret, not even its length (which a
 * direct comparison of unequal-length buffers would refuse early on).
 */
export function secretsEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export interface ServiceSecrets {
  cronSecret: string;
  serviceRoleKey?: string;
}

/**
 * Machine callers only: Supabase Cron (Bearer CRON_SECRET) or an operator
 * holding the service-role key. Kept for callers that check a request by hand;
 * functions use `handler` with `callers: ["cron", "service_role"]`.
 */
export function requireServiceCaller(req: Request, secrets: ServiceSecrets): "cron" | "service_role" {
  const token = bearerToken(req);
  if (token && secretsEqual(token, secrets.cronSecret)) return "cron";
  if (token && secrets.serviceRoleKey && secretsEqual(token, secrets.serviceRoleKey)) return "service_role";
  throw new UnauthorizedError("a valid Authorization: Bearer <CRON_SECRET or service-role key> is required");
}
