// Mints a local user access token, shaped like the ones Supabase Auth issues
// (https://supabase.com/docs/guides/auth/jwt-fields): by default signed ES256
// with the local Auth simulator's key (published in its JWKS, as a project
// with asymmetric signing keys does); with `--hs256` (or a `secret`) signed
// HS256 with the local legacy secret, which only Auth itself can verify
// (GET /auth/v1/user). For the local stack and tests only.
//
//   tsx dev/mint-token.ts <user-uuid> [--role editor] [--expires-in 1h] [--hs256]
//
// prints the token on stdout. `--role X` puts `role: X` in app_metadata (the
// application role, e.g. the broadcasts editor), not in the `role` claim,
// which stays "authenticated" as Supabase's does. An HS256 token is accepted
// only for a user the Auth simulator has (create one through its admin API).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { importJWK, type JWK, SignJWT } from "jose";
import { LOCAL_ES256_PRIVATE_JWK, LOCAL_JWT_SECRET } from "./sim/auth-tokens.ts";

export { LOCAL_JWT_SECRET };
/** The issuer of local tokens: the local stack's SUPABASE_URL + /auth/v1 (what GoTrue puts in iss). */
export const LOCAL_ISSUER = "http://127.0.0.1:54321/auth/v1";

export interface MintOptions {
  sub: string;
  /** HS256 with this secret (a legacy project's shared secret, or a wrong one). */
  secret?: string;
  /** Default ES256 with the local key; "HS256" with `secret` or the local legacy secret. */
  alg?: "ES256" | "HS256";
  /** ES256 with another private key (one the project's JWKS does not publish). */
  privateKey?: JWK;
  /** A jose time span ("1h", "30m", "-1m" for an already expired token) or seconds. Default 1 hour. */
  expiresIn?: string | number;
  appMetadata?: Record<string, unknown>;
  userMetadata?: Record<string, unknown>;
  email?: string;
  issuer?: string;
  audience?: string;
  role?: string;
}

export async function mintAccessToken(options: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? "1h";
  const hs256 = options.alg === "HS256" || (options.secret !== undefined && options.alg === undefined);
  const jwt = new SignJWT({
    role: options.role ?? "authenticated",
    aal: "aal1",
    session_id: crypto.randomUUID(),
    email: options.email ?? `${options.sub}@local.test`,
    phone: "",
    is_anonymous: false,
    app_metadata: { provider: "email", providers: ["email"], ...options.appMetadata },
    user_metadata: { ...options.userMetadata },
  })
    .setSubject(options.sub)
    .setAudience(options.audience ?? "authenticated")
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(typeof expiresIn === "number" ? now + expiresIn : expiresIn);
  if (hs256) {
    return jwt.setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(
      new TextEncoder().encode(options.secret ?? LOCAL_JWT_SECRET),
    );
  }
  const jwk = options.privateKey ?? LOCAL_ES256_PRIVATE_JWK;
  return jwt.setProtectedHeader({ alg: "ES256", typ: "JWT", kid: jwk.kid }).sign(await importJWK(jwk, "ES256"));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function cli(args: string[]): Promise<void> {
  const sub = args[0];
  if (!sub || !UUID.test(sub)) {
    console.error(
      "usage: tsx dev/mint-token.ts <user-uuid> [--role <app role>] [--expires-in <span, e.g. 1h>] [--hs256]",
    );
    process.exitCode = 2;
    return;
  }
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const role = flag("--role");
  process.stdout.write(
    `${await mintAccessToken({
      sub,
      alg: args.includes("--hs256") ? "HS256" : "ES256",
      expiresIn: flag("--expires-in"),
      appMetadata: role ? { role } : undefined,
    })}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await cli(process.argv.slice(2));
}
