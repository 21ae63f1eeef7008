// Mints a local user access token, shaped like the ones Supabase Auth issues
// (https://supabase.com/docs/guides/auth/jwt-fields), signed HS256 with the
// local stack's SUPABASE_JWT_SECRET. For the local stack and tests only: in
// production tokens come from Supabase Auth and are verified against the
// project's JWKS.
//
//   tsx dev/mint-token.ts <user-uuid> [--role editor] [--expires-in 1h]
//
// prints the token on stdout. `--role X` puts `role: X` in app_metadata (the
// application role, e.g. the broadcasts editor), not in the `role` claim,
// which stays "authenticated" as Supabase's does.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SignJWT } from "jose";

export const LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
export const LOCAL_ISSUER = "http://127.0.0.1:54321/auth/v1";

export interface MintOptions {
  sub: string;
  secret?: string;
  /** A jose time span ("1h", "30m", "-1m" for an already expired token) or seconds. Default 1 hour. */
  expiresIn?: string | number;
  appMetadata?: Record<string, unknown>;
  userMetadata?: Record<string, unknown>;
  email?: string;
  issuer?: string;
}

export async function mintAccessToken(options: MintOptions): Promise<string> {
  const secret = new TextEncoder().encode(options.secret ?? LOCAL_JWT_SECRET);
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? "1h";
  return new SignJWT({
    role: "authenticated",
    aal: "aal1",
    session_id: crypto.randomUUID(),
    email: options.email ?? `${options.sub}@local.test`,
    phone: "",
    is_anonymous: false,
    app_metadata: { provider: "email", providers: ["email"], ...options.appMetadata },
    user_metadata: { ...options.userMetadata },
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(options.sub)
    .setAudience("authenticated")
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(typeof expiresIn === "number" ? now + expiresIn : expiresIn)
    .sign(secret);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function cli(args: string[]): Promise<void> {
  const sub = args[0];
  if (!sub || !UUID.test(sub)) {
    console.error("usage: tsx dev/mint-token.ts <user-uuid> [--role <app role>] [--expires-in <span, e.g. 1h>]");
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
      secret: process.env.SUPABASE_JWT_SECRET || LOCAL_JWT_SECRET,
      expiresIn: flag("--expires-in"),
      appMetadata: role ? { role } : undefined,
    })}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await cli(process.argv.slice(2));
}
