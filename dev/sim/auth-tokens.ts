// The token side of the Supabase Auth simulator: the two endpoints functions
// use to verify a user's access token, mounted by dev/sim/gotrue.ts.
//
//   GET /auth/v1/.well-known/jwks.json   the project's public signing keys: one
//       ES256 key (kid LOCAL_SIGNING_KID). Like a hosted project's, it never
//       contains the legacy HS256 secret
//       (https://supabase.com/docs/guides/auth/signing-keys).
//   GET /auth/v1/user                    Bearer <access token>: the user, if
//       Auth accepts the token. As GoTrue's requireAuthentication
//       (supabase/auth internal/api/auth.go): no bearer -> 401; a signature it
//       did not make (HS256 with the project's secret, or its own ES256 key),
//       another algorithm, or an expired token -> 403 bad_jwt; a subject that is
//       not a uuid -> 400; a user that does not exist -> 404 user_not_found.
//       The gateway in front of Auth wants an `apikey` header; without one the
//       simulator answers 401 as the gateway would.
//
// The ES256 key below is the local stack's only: it signs tokens for tests and
// `dev/mint-token.ts`, and is useless anywhere else.
import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from "jose";
import { sendJson } from "./common.ts";

export const LOCAL_SIGNING_KID = "local-es256-1";

/** The local project's legacy HS256 secret (the Supabase CLI's default), for legacy-token tests. */
export const LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

/** Private: for minting local tokens. */
export const LOCAL_ES256_PRIVATE_JWK: JWK = {
  kty: "EC",
  crv: "P-256",
  x: "MJkebJleRBq5nqNbo9V6dYLt1BUO108qKyo0V3xZ0Do",
  y: "aEZ6xoQaapTf5cVun-TSkJMiNDQlfriOAanO0zX0sxM",
  d: "WzuQW6mFq3RwHoFLO_T1P-ZC5bZXhjKsTYPGTa1cpbk",
  kid: LOCAL_SIGNING_KID,
  alg: "ES256",
};

/** What /.well-known/jwks.json publishes: the public half, shaped as GoTrue serves it. */
export const LOCAL_JWKS = {
  keys: [{
    kty: "EC",
    crv: "P-256",
    x: LOCAL_ES256_PRIVATE_JWK.x,
    y: LOCAL_ES256_PRIVATE_JWK.y,
    kid: LOCAL_SIGNING_KID,
    alg: "ES256",
    use: "sig",
    key_ops: ["verify"],
  }],
};

export interface AuthTokenRoutesOptions {
  /** The project's legacy HS256 secret; tokens signed with it are accepted at /user. */
  hs256Secret: string;
  /** The user behind a subject, or undefined when Auth has no such user. */
  findUser: (id: string) => unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenCall {
  endpoint: "jwks" | "user";
  status: number;
}

/** A request handler for the two endpoints; answers false for any other path. */
export function authTokenRoutes(options: AuthTokenRoutesOptions) {
  const secret = new TextEncoder().encode(options.hs256Secret);
  const publicKey = importJWK(LOCAL_JWKS.keys[0]!, "ES256");
  const calls: TokenCall[] = [];
  const answer = (res: ServerResponse, endpoint: TokenCall["endpoint"], status: number, body: unknown) => {
    calls.push({ endpoint, status });
    sendJson(res, status, body);
  };
  const badJwt = (res: ServerResponse, why: string) =>
    answer(res, "user", 403, {
      code: 403,
      error_code: "bad_jwt",
      msg: `invalid JWT: unable to parse or verify signature, ${why}`,
    });

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (req.method === "GET" && path === "/auth/v1/.well-known/jwks.json") {
      answer(res, "jwks", 200, LOCAL_JWKS);
      return true;
    }
    if (req.method !== "GET" || path !== "/auth/v1/user") return false;
    if (!req.headers.apikey) {
      answer(res, "user", 401, { message: "No API key found in request" });
      return true;
    }
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token) {
      answer(res, "user", 401, {
        code: 401,
        error_code: "no_authorization",
        msg: "This endpoint requires a Bearer token",
      });
      return true;
    }
    let payload: { sub?: unknown };
    try {
      const alg = decodeProtectedHeader(token).alg;
      if (alg === "HS256") ({ payload } = await jwtVerify(token, secret, { algorithms: ["HS256"] }));
      else ({ payload } = await jwtVerify(token, await publicKey, { algorithms: ["ES256"] }));
    } catch (e) {
      badJwt(res, (e as Error).message);
      return true;
    }
    if (typeof payload.sub !== "string" || payload.sub === "") {
      answer(res, "user", 403, { code: 403, error_code: "bad_jwt", msg: "invalid claim: missing sub claim" });
      return true;
    }
    if (!UUID.test(payload.sub)) {
      answer(res, "user", 400, {
        code: 400,
        error_code: "validation_failed",
        msg: "invalid claim: sub claim must be a UUID",
      });
      return true;
    }
    const user = options.findUser(payload.sub.toLowerCase());
    if (!user) {
      answer(res, "user", 404, {
        code: 404,
        error_code: "user_not_found",
        msg: "User from sub claim in JWT does not exist",
      });
      return true;
    }
    answer(res, "user", 200, user);
    return true;
  }

  return { handle, calls: () => [...calls] };
}
