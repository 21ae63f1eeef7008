// Over HTTP, with real Deno serving the function: the user is the verified
// token's subject and nothing else. Alice's token cannot touch or read Bob's
// calendars; an expired or forged token gets 401 and changes nothing.
import { SignJWT } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LOCAL_JWT_SECRET, mintAccessToken } from "../../../dev/mint-token.ts";
import { calendar, calendars, newUserId, storedCalendars, storedRevision } from "../../support/calendars.ts";
import { startTestStack, type TestStack } from "../../support/stack.ts";

let stack: TestStack;
const alice = newUserId();
const bob = newUserId();

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

async function post(token: string | null, body: unknown) {
  const res = await fetch(stack.url("calendar-sync"), {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it("keeps each user's sync to their own calendars", async () => {
  const aliceToken = await mintAccessToken({ sub: alice });
  const bobToken = await mintAccessToken({ sub: bob });
  expect(
    await post(bobToken, {
      calendars: [calendar("bob-work", { settings: { private: "dentist" } }), calendar("bob-home")],
    }),
  ).toEqual({
    status: 200,
    body: { inserted: 2, updated: 0, deleted: 0, unchanged: 0, revision: 1 },
  });
  const bobBefore = await storedCalendars(stack.database.sql, bob);

  // Alice replaces "her" set with an empty one, and then with Bob's ids: it
  // is her set either way. Her counts say nothing about Bob's rows.
  expect(await post(aliceToken, { calendars: [] })).toEqual({
    status: 200,
    body: { inserted: 0, updated: 0, deleted: 0, unchanged: 0, revision: 0 },
  });
  expect((await post(aliceToken, { calendars: calendars(["bob-work", "bob-home"], { name: "mine now" }) })).body)
    .toMatchObject({
      inserted: 2,
      updated: 0,
      deleted: 0,
    });
  expect(await storedCalendars(stack.database.sql, bob)).toEqual(bobBefore);
  expect((await storedCalendars(stack.database.sql, alice)).map((r) => r.name)).toEqual(["mine now", "mine now"]);

  // Naming Bob in the body is refused, not ignored.
  const named = await post(aliceToken, { calendars: [], user_id: bob });
  expect(named.status).toBe(400);
  expect(named.body.message).toMatch(/user_id/);
  expect(await storedCalendars(stack.database.sql, bob)).toEqual(bobBefore);
  expect(await storedRevision(stack.database.sql, alice)).toBe(1);
});

it.each([
  ["no token", async () => null],
  ["an expired token", () => mintAccessToken({ sub: bob, expiresIn: "-1m" })],
  [
    "a token for bob signed with another secret",
    () => mintAccessToken({ sub: bob, secret: "not-the-project-secret-but-32-characters-long" }),
  ],
  ["an unsigned token (alg none)", async () => {
    const claims = { sub: bob, role: "authenticated", exp: Math.floor(Date.now() / 1000) + 3600 };
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    return `${enc({ alg: "none", typ: "JWT" })}.${enc(claims)}.`;
  }],
  [
    "the anon key",
    () =>
      new SignJWT({ role: "anon" }).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("1h").sign(
        new TextEncoder().encode(LOCAL_JWT_SECRET),
      ),
  ],
])("answers %s with 401 and changes nothing", async (_what, token) => {
  const before = await storedCalendars(stack.database.sql, bob);
  const res = await post(await token(), { calendars: [] });
  expect(res.status).toBe(401);
  expect(res.body.error).toBe("unauthorized");
  expect(await storedCalendars(stack.database.sql, bob)).toEqual(before);
});
