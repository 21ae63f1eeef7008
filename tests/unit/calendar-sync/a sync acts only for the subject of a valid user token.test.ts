// The core over a fake Db: the user id sent to the database is the verified
// token's subject, and tokens that name no user are refused before any call.
import { describe, expect, it } from "vitest";
import { mintAccessToken } from "../../../dev/mint-token.ts";
import { UnauthorizedError } from "../../../src/shared/errors.ts";
import { accessTokenVerifier } from "../../../src/shared/http/auth.ts";
import { authenticateUser, syncCalendars } from "../../../src/shared/jobs/calendar-sync/run.ts";
import type { Db } from "../../../src/shared/ports.ts";
import { SignJWT } from "jose";
import { calendar, newUserId } from "../../support/calendars.ts";

const secret = "a-test-secret-that-is-at-least-32-characters";
const verify = accessTokenVerifier({ jwtSecret: secret });

function recordingDb() {
  const calls: { fn: string; args: Record<string, unknown> }[] = [];
  const db: Db = {
    async rpc<T>(fn: string, args: Record<string, unknown> = {}) {
      calls.push({ fn, args });
      return { inserted: 1, updated: 0, deleted: 0, unchanged: 0, revision: 7 } as T;
    },
  };
  return { db, calls };
}

it("sends the token's subject as p_user_id, with the calendars and expected revision", async () => {
  const user = newUserId();
  const { db, calls } = recordingDb();
  const userId = await authenticateUser(verify, await mintAccessToken({ sub: user, secret }));
  const result = await syncCalendars(db, userId, { calendars: [calendar("a")], expected_revision: 6 });
  expect(result).toEqual({ inserted: 1, updated: 0, deleted: 0, unchanged: 0, revision: 7 });
  expect(calls).toEqual([
    { fn: "sync_managed_calendars", args: { p_user_id: user, p_calendars: [calendar("a")], p_expected_revision: 6 } },
  ]);
});

describe("refuses with 401", () => {
  const sign = (claims: Record<string, unknown>, key = secret) =>
    new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("1h").sign(
      new TextEncoder().encode(key),
    );

  it.each([
    ["no token", async () => null],
    ["an expired token", () => mintAccessToken({ sub: newUserId(), secret, expiresIn: "-1m" })],
    [
      "a token signed with another secret",
      () => mintAccessToken({ sub: newUserId(), secret: "another-secret-that-is-at-least-32-chars" }),
    ],
    ["the anon key (no user)", () => sign({ role: "anon" })],
    ["the service-role key (no user)", () => sign({ role: "service_role" })],
    ["a token whose role is not authenticated", () => sign({ role: "service_role", sub: newUserId() })],
    ["a subject that is not a user id", () => sign({ role: "authenticated", sub: "admin" })],
    ["a tampered payload", async () => {
      const [h, , s] = (await mintAccessToken({ sub: newUserId(), secret })).split(".");
      const forged = Buffer.from(JSON.stringify({ sub: newUserId(), role: "authenticated", exp: 4102444800 })).toString(
        "base64url",
      );
      return `${h}.${forged}.${s}`;
    }],
  ])("%s", async (_what, token) => {
    await expect(authenticateUser(verify, await token())).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
