// The whole request path, served by Deno, once over a direct connection (the
// local stack) and once through PostgREST with the service-role key (a
// deployed project; tests/support/postgrest.ts stands in for PostgREST).
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_JWT_SECRET, mintAccessToken } from "../../../dev/mint-token.ts";
import { calendar, newUserId, storedCalendars, storedRevision } from "../../support/calendars.ts";
import type { TestDatabase } from "../../support/db.ts";
import { type ServedFunctions, serveFunctions } from "../../support/functions.ts";
import { startPostgrest } from "../../support/postgrest.ts";
import { startTestStack, type TestStack } from "../../support/stack.ts";

let stack: TestStack;
let t: TestDatabase;
let postgrest: Awaited<ReturnType<typeof startPostgrest>>;
let rest: ServedFunctions;
const url: Record<string, (name: string) => string> = {};

beforeAll(async () => {
  // The local stack serves the functions over a direct connection; a second
  // server gets the same environment pointed at PostgREST over the same database.
  stack = await startTestStack();
  t = stack.database;
  postgrest = await startPostgrest({ databaseUrl: t.url, jwtSecret: LOCAL_JWT_SECRET });
  const serviceRoleKey = await new SignJWT({ role: "service_role" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(LOCAL_JWT_SECRET));
  rest = await serveFunctions({
    ...stack.env,
    DB_ADAPTER: "rest",
    SUPABASE_URL: postgrest.url,
    SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
  });
  url.direct = stack.url;
  url.rest = rest.url;
});
afterAll(async () => {
  await rest?.close();
  await postgrest?.close();
  await stack?.close();
});

describe.each(["direct", "rest"])("through the %s adapter", (adapter) => {
  const user = newUserId();
  let token: string;
  const post = async (body: unknown, init: RequestInit = {}) => {
    token ??= await mintAccessToken({ sub: user });
    const res = await fetch(url[adapter]!("calendar-sync"), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      ...init,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("replaces the set, keeps settings of kept calendars, and reports the counts and revision", async () => {
    expect(
      await post({ calendars: [calendar("work", { settings: { alerts: "15m" } }), calendar("home"), calendar("gym")] }),
    ).toEqual({
      status: 200,
      body: { inserted: 3, updated: 0, deleted: 0, unchanged: 0, revision: 1 },
    });
    expect(
      await post({
        calendars: [calendar("work", { name: "Work!" }), calendar("home"), calendar("kids")],
        expected_revision: 1,
      }),
    ).toEqual({ status: 200, body: { inserted: 1, updated: 1, deleted: 1, unchanged: 1, revision: 2 } });
    const rows = await storedCalendars(t.sql, user);
    expect(rows.map((r) => [r.calendar_id, r.name, r.settings])).toEqual([
      ["home", "Calendar home", {}],
      ["kids", "Calendar kids", {}],
      ["work", "Work!", { alerts: "15m" }],
    ]);
  });

  it("answers a stale expected_revision with 409 and changes nothing", async () => {
    const before = await storedCalendars(t.sql, user);
    const res = await post({ calendars: [], expected_revision: 1 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: "conflict" });
    expect(await storedCalendars(t.sql, user)).toEqual(before);
  });

  it.each([
    ["calendars", { calendars: Array.from({ length: 501 }, (_, i) => calendar(`c${i}`)) }],
    ["calendars.1.calendar_id", { calendars: [calendar("a"), calendar("a")] }],
    ["calendars.0.name", { calendars: [calendar("a", { name: "n".repeat(256) })] }],
    ["calendars.0.settings", { calendars: [calendar("a", { settings: { blob: "x".repeat(5000) } })] }],
    ["calendars.0.is_primary", { calendars: [{ calendar_id: "a", name: "A" }] }],
    ["calendars", { calendar: [] }],
  ])("answers a request with a bad %s with 400 naming it, and changes nothing", async (field, body) => {
    const before = await storedCalendars(t.sql, user);
    const revision = await storedRevision(t.sql, user);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_input");
    expect((res.body.issues as { path: string }[]).map((i) => i.path)).toContain(field);
    expect(await storedCalendars(t.sql, user)).toEqual(before);
    expect(await storedRevision(t.sql, user)).toBe(revision);
  });

  it("answers a body that is not JSON with 400 and GET with 405", async () => {
    expect((await post(undefined, { body: "{not json" })).status).toBe(400);
    const res = await fetch(url[adapter]!("calendar-sync"), { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(405);
    await res.body?.cancel();
  });
});
