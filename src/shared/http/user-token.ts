// Supabase Auth user access tokens, verified the way any hosted project can:
//
// - Asymmetric signing keys (ES256, RS256, Ed25519; the default for new
//   projects): the signature is checked here against the project's JWKS at
//   <auth>/auth/v1/.well-known/jwks.json, fetched once per isolate and cached
//   by jose's remote key set (refetched only for an unknown `kid`, at most
//   once per cooldown).
// - The legacy HS256 shared secret: the JWKS never contains it
//   (https://supabase.com/docs/guides/auth/signing-keys: "the legacy JWT secret
//   ... is not published"), and a function cannot be given it either, since
//   `supabase secrets set` skips every name starting with SUPABASE_
//   (supabase/cli internal/secrets/set/set.go: "Env name cannot start with
//   SUPABASE_, skipping"). So the token is sent to Supabase Auth itself,
//   GET /auth/v1/user, which answers only for a token it signed, unexpired,
//   whose user exists (supabase-js auth.getUser(jwt); auth.getClaims() falls
//   back to the same call for HS tokens, see
//   @supabase/auth-js GoTrueClient.getClaims).
//
// Either way the claims are then checked the same: exp, aud = "authenticated",
// role = "authenticated", iss = the project's Auth URL, a subject. GoTrue
// writes iss from GOTRUE_JWT_ISSUER (supabase/auth internal/tokens/service.go:
// `Issuer: config.JWT.Issuer`, `Audience: user.Aud`, `Role: user.Role`), which a
// hosted project sets to https://<ref>.supabase.co/auth/v1
// (https://supabase.com/docs/guides/auth/jwt-fields).
import { AuthClient } from "@supabase/supabase-js";
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import { UnauthorizedError, UpstreamError } from "../errors.ts";

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  role?: string;
  email?: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
}

export type TokenVerifier = (token: string) => Promise<AccessTokenClaims>;

/** What GoTrue puts in `aud` and `role` for a signed-in user. */
export const USER_AUDIENCE = "authenticated";
export const USER_ROLE = "authenticated";

/** The asymmetric algorithms Supabase Auth signs with (https://supabase.com/docs/guides/auth/signing-keys). */
export const ASYMMETRIC_ALGORITHMS = ["ES256", "RS256", "EdDSA"] as const;

export interface UserTokenSettings {
  /** Where Supabase Auth answers: the project URL (…/auth/v1/… is appended). */
  authUrl: string;
  /** The `iss` every accepted token must carry. */
  issuer: string;
  /** `apikey` header for GET /auth/v1/user: the project's gateway wants one (the anon key does). */
  apiKey?: string;
  fetch?: typeof fetch;
}

function refuse(reason: string): never {
  throw new UnauthorizedError(`invalid access token: ${reason}`);
}

/** The claims every user token must carry, whichever way its signature was checked. */
export function checkUserClaims(
  payload: JWTPayload,
  issuer: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): AccessTokenClaims {
  if (typeof payload.exp !== "number") refuse("no exp claim");
  if (payload.exp <= nowSeconds) refuse("expired");
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.includes(USER_AUDIENCE)) refuse(`aud must be ${USER_AUDIENCE}`);
  if (issuer !== undefined && payload.iss !== issuer) refuse("unexpected issuer");
  if ((payload as { role?: unknown }).role !== USER_ROLE) refuse(`role must be ${USER_ROLE}`);
  if (typeof payload.sub !== "string" || payload.sub === "") refuse("no subject");
  return payload as AccessTokenClaims;
}

/**
 * A verifier over keys the caller already holds: an HS256 secret (tests of the
 * cores) or any jose key resolver (a JWKS). No environment is read here; the
 * functions use userTokenVerifier.
 */
export function accessTokenVerifier(
  options: { jwtSecret?: string; keys?: JWTVerifyGetKey; issuer?: string },
): TokenVerifier {
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  if (!secret && !options.keys) throw new Error("accessTokenVerifier needs jwtSecret or keys");
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = secret
        ? await jwtVerify(token, secret, { algorithms: ["HS256"] })
        : await jwtVerify(token, options.keys!, { algorithms: [...ASYMMETRIC_ALGORITHMS] }));
    } catch (e) {
      refuse((e as Error).message);
    }
    return checkUserClaims(payload, options.issuer);
  };
}

// One remote key set per JWKS URL for the life of the isolate: jose caches the
// keys it fetched and refetches only for a kid it has not seen (after a
// cooldown), so a key rotation is picked up without a fetch per request.
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

function remoteKeySet(url: string): JWTVerifyGetKey {
  let set = remoteKeySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url));
    remoteKeySets.set(url, set);
  }
  return set;
}

/** The project's user-token verifier: JWKS for asymmetric tokens, Supabase Auth for legacy HS256 ones. */
export function userTokenVerifier(settings: UserTokenSettings): TokenVerifier {
  const base = settings.authUrl.replace(/\/+$/, "");
  const jwks = remoteKeySet(`${base}/auth/v1/.well-known/jwks.json`);
  const auth = new AuthClient({
    url: `${base}/auth/v1`,
    headers: settings.apiKey ? { apikey: settings.apiKey } : {},
    fetch: settings.fetch,
    persistSession: false,
    autoRefreshToken: false,
    detectSessionInUrl: false,
  });

  async function throughAuth(token: string): Promise<AccessTokenClaims> {
    const { data, error } = await auth.getUser(token);
    if (error) {
      const status = (error as { status?: number }).status ?? 0;
      // 4xx: Auth does not accept the token (bad signature, expired, unknown
      // user or session). Anything else: Auth itself is unwell, which says
      // nothing about the caller.
      if (status >= 400 && status < 500) refuse(`Supabase Auth refused it (${status})`);
      throw new UpstreamError(
        `Supabase Auth did not verify the token: ${error.message}`,
        "supabase-auth",
        "rejected",
        status || undefined,
        { cause: error },
      );
    }
    // Auth accepted this exact token, so its payload is the one Auth signed.
    const claims = checkUserClaims(decodeJwt(token), settings.issuer);
    if (data.user?.id !== claims.sub) refuse("Supabase Auth answered for another user");
    return claims;
  }

  return async (token) => {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
      decodeJwt(token);
    } catch {
      refuse("not a JWT");
    }
    if (alg === "HS256") return throughAuth(token);
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg ?? "")) refuse(`algorithm ${alg} is not accepted`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: [...ASYMMETRIC_ALGORITHMS],
        audience: USER_AUDIENCE,
        issuer: settings.issuer,
        requiredClaims: ["exp", "sub"],
      }));
    } catch (e) {
      // The key set could not be fetched at all: Auth is unreachable, not the caller's fault.
      if (e instanceof joseErrors.JWKSTimeout || (e instanceof TypeError && !(e instanceof joseErrors.JOSEError))) {
        throw new UpstreamError(
          `the project's JWKS could not be fetched: ${(e as Error).message}`,
          "supabase-auth",
          "rejected",
        );
      }
      refuse((e as Error).message);
    }
    return checkUserClaims(payload, settings.issuer);
  };
}
