// Projects with asymmetric signing keys: the token's signature is checked
// against the public keys at <project>/auth/v1/.well-known/jwks.json. The key
// set is fetched once and shared by every verifier in the isolate, so building
// a verifier per request (as a function's config may) costs no fetch per request.
import { afterAll, beforeAll, expect, it } from "vitest";
import { mintAccessToken } from "../../../dev/mint-token.ts";
import { startAuthTokens } from "./auth-server.ts";

let auth: Awaited<ReturnType<typeof startAuthTokens>>;
beforeAll(async () => {
  auth = await startAuthTokens();
});
afterAll(() => auth?.close());

it("accepts ES256 tokens signed with a published key, fetching the JWKS once and never asking Auth", async () => {
  const sub = crypto.randomUUID();
  for (let i = 0; i < 5; i++) {
    // A new verifier each time, as a per-request config would build.
    const claims = await auth.verifier()(await mintAccessToken({ sub, appMetadata: { role: "editor" } }));
    expect(claims).toMatchObject({
      sub,
      role: "authenticated",
      aud: "authenticated",
      app_metadata: { role: "editor" },
    });
  }
  expect(auth.calls()).toEqual([{ endpoint: "jwks", status: 200 }]);
});
