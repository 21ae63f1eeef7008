// Production path: no SUPABASE_JWT_SECRET, so tokens are verified with the
// asymmetric keys published at SUPABASE_URL/auth/v1/.well-known/jwks.json.
import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ConfigError, UnauthorizedError } from "../../../src/shared/errors.ts";
import { calendarSyncFromEnv } from "../../../src/shared/jobs/calendar-sync/env.ts";
import { authenticateUser } from "../../../src/shared/jobs/calendar-sync/run.ts";
import { newUserId } from "../../support/calendars.ts";

let server: Server;
let baseUrl: string;
let sign: (claims: Record<string, unknown>) => Promise<string>;
let jwksRequests = 0;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "project-key-1", alg: "ES256", use: "sig" };
  server = createServer((req, res) => {
    if (req.url === "/auth/v1/.well-known/jwks.json") {
      jwksRequests++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  sign = (claims) =>
    new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "project-key-1" }).setIssuedAt().setExpirationTime("1h").sign(privateKey);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const env = () => ({ SUPABASE_URL: baseUrl, DB_ADAPTER: "direct", SUPABASE_DB_URL: "postgresql://unused@127.0.0.1:1/none" });

it("accepts a user token signed with the project's published key, and fetches the keys once", async () => {
  const { ports } = calendarSyncFromEnv(env());
  const user = newUserId();
  expect(await authenticateUser(ports.verifyToken, await sign({ sub: user, role: "authenticated" }))).toBe(user);
  expect(await authenticateUser(calendarSyncFromEnv(env()).ports.verifyToken, await sign({ sub: user, role: "authenticated" }))).toBe(user);
  expect(jwksRequests).toBe(1);
});

it("refuses an HS256 token when the project verifies with its JWKS", async () => {
  const { ports } = calendarSyncFromEnv(env());
  const hs = await new SignJWT({ sub: newUserId(), role: "authenticated" })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode("guessable-secret-guessable-secret-guessable"));
  await expect(authenticateUser(ports.verifyToken, hs)).rejects.toBeInstanceOf(UnauthorizedError);
});

it("is a configuration error to set neither a JWT secret nor SUPABASE_URL", () => {
  expect(() => calendarSyncFromEnv({ DB_ADAPTER: "direct", SUPABASE_DB_URL: "postgresql://x@127.0.0.1/none" })).toThrow(ConfigError);
});
