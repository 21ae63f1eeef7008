// Projects still on the legacy shared secret: the JWKS never holds it and a
// function cannot be given it (the CLI refuses secrets named SUPABASE_*), so
// the token is verified by Supabase Auth itself (GET /auth/v1/user), which
// knows the secret and the user.
import { afterAll, beforeAll, expect, it } from "vitest";
import { mintAccessToken } from "../../../dev/mint-token.ts";
import { UnauthorizedError } from "../../../src/shared/errors.ts";
import { startAuthTokens } from "./auth-server.ts";

let auth: Awaited<ReturnType<typeof startAuthTokens>>;
beforeAll(async () => {
  auth = await startAuthTokens();
});
afterAll(() => auth?.close());

it("accepts an HS256 token Auth vouches for, and refuses one for a user Auth does not have", async () => {
  const known = crypto.randomUUID();
  auth.addUser(known);
  const verify = auth.verifier();
  expect(await verify(await mintAccessToken({ sub: known, alg: "HS256" }))).toMatchObject({
    sub: known,
    role: "authenticated",
  });
  await expect(verify(await mintAccessToken({ sub: crypto.randomUUID(), alg: "HS256" }))).rejects.toBeInstanceOf(
    UnauthorizedError,
  );
  expect(auth.calls()).toEqual([
    { endpoint: "user", status: 200 },
    { endpoint: "user", status: 404 },
  ]);
});
