// Every way a user token can be wrong is a 401 (UnauthorizedError), whether
// its signature is checked against the JWKS (ES256) or by Auth (HS256).
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ISSUER, mintAccessToken } from "../../../dev/mint-token.ts";
import { LOCAL_SIGNING_KID } from "../../../dev/sim/auth-tokens.ts";
import { UnauthorizedError } from "../../../src/shared/errors.ts";
import { errorResponse } from "../../../src/shared/http/respond.ts";
import { startAuthTokens } from "./auth-server.ts";

let auth: Awaited<ReturnType<typeof startAuthTokens>>;
const sub = crypto.randomUUID();
beforeAll(async () => {
  auth = await startAuthTokens();
  auth.addUser(sub);
});
afterAll(() => auth?.close());

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const outsider = async (kid: string) => ({
  ...(await exportJWK((await generateKeyPair("ES256", { extractable: true })).privateKey)),
  kid,
});

describe.each(["ES256", "HS256"] as const)("%s", (alg) => {
  it.each([
    ["the wrong audience", () => mintAccessToken({ sub, alg, audience: "anon" })],
    ["the wrong issuer", () => mintAccessToken({ sub, alg, issuer: "https://other-project.supabase.co/auth/v1" })],
    ["an issuer that only starts right", () => mintAccessToken({ sub, alg, issuer: `${LOCAL_ISSUER}.evil.example` })],
    ["a role other than authenticated", () => mintAccessToken({ sub, alg, role: "service_role" })],
    ["an expired token", () => mintAccessToken({ sub, alg, expiresIn: "-1m" })],
  ])("refuses %s", async (_what, token) => {
    const error = await auth.verifier()(await token()).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(errorResponse(error).status).toBe(401);
  });
});

it.each([
  [
    "alg none",
    async () =>
      `${b64({ alg: "none", typ: "JWT" })}.${
        b64({ sub, role: "authenticated", aud: "authenticated", iss: LOCAL_ISSUER, exp: 4102444800 })
      }.`,
  ],
  [
    "a key not in the JWKS, with an unknown kid",
    async () => mintAccessToken({ sub, privateKey: await outsider("not-published") }),
  ],
  [
    "a key not in the JWKS, claiming the published kid",
    async () => mintAccessToken({ sub, privateKey: await outsider(LOCAL_SIGNING_KID) }),
  ],
  [
    "HS256 signed with a secret that is not the project's",
    () => mintAccessToken({ sub, secret: "not-the-project-secret-but-just-as-long-as-it" }),
  ],
  ["HS512 with the project's secret (only HS256 goes to Auth)", async () => {
    const token = await mintAccessToken({ sub, alg: "HS256" });
    return `${b64({ alg: "HS512", typ: "JWT" })}.${token.split(".")[1]}.${token.split(".")[2]}`;
  }],
  ["garbage", async () => "a.b.c"],
])("refuses %s", async (_what, token) => {
  await expect(auth.verifier()(await token())).rejects.toBeInstanceOf(UnauthorizedError);
});
