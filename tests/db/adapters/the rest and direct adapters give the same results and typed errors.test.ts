// The rest adapter is exercised through supabase-js itself, against a
// PostgREST stand-in over the same database (tests/support/postgrest.ts).
import { createClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromSupabase } from "../../../src/shared/db/rest.ts";
import type { Db } from "../../../src/shared/ports.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startPostgrest } from "../../support/postgrest.ts";

const JWT_SECRET = "test-jwt-secret-with-at-least-32-characters";
let t: TestDatabase;
let postgrest: Awaited<ReturnType<typeof startPostgrest>>;
let rest: Db;
let anon: Db;

const sign = (role: string) =>
  new SignJWT({ role }).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("1h").sign(
    new TextEncoder().encode(JWT_SECRET),
  );

beforeAll(async () => {
  t = await createTestDatabase();
  postgrest = await startPostgrest({ databaseUrl: t.url, jwtSecret: JWT_SECRET });
  const options = { auth: { persistSession: false, autoRefreshToken: false } };
  rest = fromSupabase(createClient(postgrest.url, await sign("service_role"), options));
  anon = fromSupabase(createClient(postgrest.url, await sign("anon"), options));
});
afterAll(async () => {
  await postgrest.close();
  await t.drop();
});

/** Runs the same call through both adapters and returns [direct, rest] as {value} or {error name}. */
async function both(fn: string, args: (adapter: "direct" | "rest") => Record<string, unknown>) {
  const settle = (p: Promise<unknown>) => p.then((value) => ({ value }), (e: Error) => ({ error: e.name }));
  return [await settle(t.db.rpc(fn, args("direct"))), await settle(rest.rpc(fn, args("rest")))];
}

describe("results", () => {
  it("returns the same JSON for a granted and a refused lease", async () => {
    const begin = (holder: string) => (a: string) => ({
      p_job: "adapters",
      p_lease: `job-${a}`,
      p_holder: holder,
      p_ttl_seconds: 30,
    });
    const [direct, viaRest] = await both("begin_job_run", begin("h"));
    const granted = {
      run_id: expect.any(String),
      acquired: true,
      token: expect.any(Number),
      expires_at: expect.any(String),
    };
    expect(direct).toMatchObject({ value: granted });
    expect(viaRest).toMatchObject({ value: granted });
    expect(await both("begin_job_run", begin("other"))).toEqual([
      { value: { run_id: expect.any(String), acquired: false } },
      { value: { run_id: expect.any(String), acquired: false } },
    ]);
  });
});

describe("errors", () => {
  it("maps lease_lost, invalid input and conflict identically", async () => {
    expect(await both("renew_job_lease", () => ({ p_job: "nobody", p_token: 1, p_ttl_seconds: 30 }))).toEqual([
      { error: "LeaseLostError" },
      { error: "LeaseLostError" },
    ]);
    expect(
      await both("begin_job_run", () => ({ p_job: "x", p_lease: "x", p_holder: "h", p_ttl_seconds: 0 })),
    ).toEqual([
      { error: "InvalidInputError" },
      { error: "InvalidInputError" },
    ]);
    // A conflict: a sync whose expected revision is stale (the user is at 1).
    const user = crypto.randomUUID();
    const calendars = [{ calendar_id: "c1", name: "Work", color: "#ff0000", is_primary: true }];
    await t.db.rpc("sync_managed_calendars", { p_user_id: user, p_calendars: calendars, p_expected_revision: null });
    expect(
      await both("sync_managed_calendars", () => ({ p_user_id: user, p_calendars: [], p_expected_revision: 0 })),
    ).toEqual([{ error: "ConflictError" }, { error: "ConflictError" }]);
  });

  it("refuses the anon role: EXECUTE is granted to service_role only", async () => {
    await expect(anon.rpc("begin_job_run", { p_job: "a", p_lease: "a", p_holder: "h", p_ttl_seconds: 30 })).rejects
      .toMatchObject({ name: "ForbiddenError" });
    expect((await t.sql`select count(*)::int as n from app_private.job_leases where job = 'a'`)[0]!.n).toBe(0);
  });
});

it("does not keep a session advisory lock from one RPC to the next, which is why leases are rows", async () => {
  // Two calls through the pool: the lock taken by the first is on a backend
  // the second may not use, so a session lock proves nothing about the caller.
  await t
    .sql`create function public.try_session_lock() returns jsonb language sql as $$ select to_jsonb(pg_try_advisory_lock(42)) $$`;
  await t.sql`grant execute on function public.try_session_lock() to service_role`;
  const results = await Promise.all(Array.from({ length: 8 }, () => rest.rpc<boolean>("try_session_lock")));
  // More than one "holder" got the same lock: it was never mutual exclusion.
  expect(results.filter(Boolean).length).toBeGreaterThan(1);
});
