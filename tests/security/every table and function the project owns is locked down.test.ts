// Supabase exposes every table and function in `public` through PostgREST, and
// its default privileges GRANT them to anon and authenticated. So every object
// our migrations create must take that back, keep RLS on, pin search_path, and
// run as its caller unless this file says why not. The checker
// (./lockdown.ts) is proven against deliberately bad objects below, so a new
// table or function that forgets any of this fails here.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { lockdownInventory, type LockdownPolicy, lockdownViolations, type Violation } from "./lockdown.ts";

const POLICY: LockdownPolicy = {
  securityDefiner: {
    // Writes to managed_calendars are revoked even from service_role
    // (20261122001000_create_managed_calendars.sql), so that the only way to
    // change a user's calendars is this one atomic replace; it therefore has to
    // run as the table owner. EXECUTE stays with service_role only, because it
    // takes the user id as an argument (the edge function passes the verified
    // token's subject).
    "public.sync_managed_calendars": "the only writer of managed_calendars, which nobody else may write",
  },
  // No function is meant for signed-in users today: users read their calendars
  // through RLS-scoped SELECT, and every write goes through an edge function
  // with the service role. A function added here must read auth.uid().
  callableByUsers: {},
};

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

/**
 * Violations the migrations have today that need a new migration to fix (a
 * landed migration is never edited). Each entry must still be reported, so a
 * fixed one fails the first test until it is removed from here.
 */
const AWAITING_FIX: Violation[] = [];

const key = (v: Violation) => `${v.object} | ${v.rule}`;
const known = new Set(AWAITING_FIX.map(key));

/**
 * Runs `arrange` and the checker inside one transaction that is always rolled
 * back; returns what the checker found beyond the migrations' known findings.
 */
async function violationsAfter(arrange: string, policy: LockdownPolicy = POLICY): Promise<Violation[]> {
  const rollback = new Error("rollback");
  let found: Violation[] = [];
  try {
    await t.sql.begin(async (tx) => {
      await tx.unsafe(arrange);
      found = await lockdownViolations(tx, policy);
      throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
  return found.filter((v) => !known.has(key(v)));
}

it("finds no violation in the migrated database, having looked at every table and function", async () => {
  const inventory = await lockdownInventory(t.sql);
  // The checker saw the objects the migrations create (a sample from each job),
  // so an empty violation list is not an empty search.
  expect(inventory.relations).toEqual(
    expect.arrayContaining([
      "r:public.job_leases",
      "r:public.schedule_ledger",
      "r:public.managed_calendars",
      "r:public.email_history",
      "r:public.broadcasts",
      "r:public.user_deletions",
      "S:public.job_lease_token_seq",
    ]),
  );
  expect(inventory.functions).toEqual(
    expect.arrayContaining([
      "acquire_job_lease(text,text,integer)",
      "sync_managed_calendars(uuid,jsonb,bigint)",
      "record_resend_webhook(text,text,jsonb,timestamp with time zone,text,jsonb,text,jsonb,jsonb)",
      "broadcast_begin(uuid,text,timestamp with time zone)",
      "user_deletion_pivot(uuid,uuid)",
    ]),
  );
  console.log(`lockdown: checked ${inventory.relations.length} relations and ${inventory.functions.length} functions`);
  const found = await lockdownViolations(t.sql, POLICY);
  expect(found.filter((v) => !known.has(key(v)))).toEqual([]);
  expect(found.filter((v) => known.has(key(v))), "an AWAITING_FIX entry was fixed: remove it").toEqual(AWAITING_FIX);
});

it("names the security definer functions in the allow-list, and each still exists", async () => {
  const definers = await t.sql<{ name: string }[]>`
    select n.nspname || '.' || p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where p.prosecdef and n.nspname not in ('auth', 'extensions', 'pg_catalog', 'information_schema') order by 1`;
  // A stale entry would silently allow a future function of that name.
  expect(definers.map((d) => d.name)).toEqual(Object.keys(POLICY.securityDefiner).sort());
});

it("reports a new table that keeps Supabase's default grants and has RLS off", async () => {
  const found = await violationsAfter(`create table public.careless (id int primary key, note text)`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "public.careless", rule: "row level security is off" },
      { object: "public.careless", rule: "writable by anon" },
      { object: "public.careless", rule: "writable by authenticated" },
    ]),
  );
});

it("reports a table with RLS on that still lets signed-in users write", async () => {
  const found = await violationsAfter(`
    create table public.half_done (id int primary key);
    alter table public.half_done enable row level security;
    revoke all on table public.half_done from public, anon, authenticated;
    grant select, update on table public.half_done to authenticated;`);
  expect(found).toEqual([{ object: "public.half_done", rule: "writable by authenticated" }]);
});

it("reports a write granted to PUBLIC on an existing table, and a usable sequence", async () => {
  const found = await violationsAfter(`
    grant insert on table public.job_runs to public;
    grant usage on sequence public.job_lease_token_seq to anon;`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "public.job_runs", rule: "writable by PUBLIC (INSERT)" },
      { object: "public.job_runs", rule: "writable by anon" },
      { object: "public.job_lease_token_seq", rule: "sequence usable by anon" },
    ]),
  );
});

it("reports a table in a new schema of the project, not only in public", async () => {
  const found = await violationsAfter(`
    create schema reporting;
    create table reporting.totals (n int);
    grant delete on table reporting.totals to authenticated;`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "reporting.totals", rule: "row level security is off" },
      { object: "reporting.totals", rule: "writable by authenticated" },
    ]),
  );
});

it("reports a new function without search_path, left executable by PUBLIC, anon and authenticated", async () => {
  const found = await violationsAfter(`
    create function public.careless_fn() returns int language sql as $$ select 1 $$;`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "careless_fn()", rule: "search_path is not set to '' (not set)" },
      { object: "careless_fn()", rule: "executable by anon" },
      { object: "careless_fn()", rule: "executable by authenticated" },
      { object: "careless_fn()", rule: "executable by PUBLIC" },
    ]),
  );
});

it("reports a search_path that is set but not empty", async () => {
  const found = await violationsAfter(`
    create function public.pathy() returns int language sql set search_path = public as $$ select 1 $$;
    revoke all on function public.pathy() from public, anon, authenticated;`);
  expect(found).toEqual([{ object: "pathy()", rule: "search_path is not set to '' (search_path=public)" }]);
});

it("reports EXECUTE still held by PUBLIC after revoking only from the API roles", async () => {
  const found = await violationsAfter(`
    create function public.leaky() returns int language sql set search_path = '' as $$ select 1 $$;
    revoke all on function public.leaky() from anon, authenticated;`);
  // anon and authenticated still reach it through PUBLIC, and so would any role made later.
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "leaky()", rule: "executable by PUBLIC" },
      { object: "leaky()", rule: "executable by anon" },
    ]),
  );
});

it("reports a security definer function that is not in the allow-list", async () => {
  const found = await violationsAfter(`
    create function public.powerful() returns int language sql security definer set search_path = '' as $$ select 1 $$;
    revoke all on function public.powerful() from public, anon, authenticated;`);
  expect(found).toEqual([{ object: "powerful()", rule: "security definer without a reason in the allow-list" }]);
});

it("lets a user-facing function be called by authenticated only if it reads auth.uid()", async () => {
  const policy: LockdownPolicy = {
    ...POLICY,
    callableByUsers: { "public.my_things": "reads the caller's rows", "public.any_things": "takes a user id" },
  };
  const found = await violationsAfter(
    `
    create function public.my_things() returns int language sql stable set search_path = ''
      as $$ select count(*)::int from public.managed_calendars where user_id = (select auth.uid()) $$;
    create function public.any_things(p_user_id uuid) returns int language sql stable set search_path = ''
      as $$ select count(*)::int from public.managed_calendars where user_id = p_user_id $$;
    revoke all on function public.my_things(), public.any_things(uuid) from public, anon, authenticated;
    grant execute on function public.my_things(), public.any_things(uuid) to authenticated;`,
    policy,
  );
  expect(found).toEqual([{ object: "any_things(uuid)", rule: "callable by users but never reads auth.uid()" }]);
});

it("still refuses anon and PUBLIC on a user-facing function", async () => {
  const policy: LockdownPolicy = { ...POLICY, callableByUsers: { "public.mine": "reads the caller's rows" } };
  const found = await violationsAfter(
    `create function public.mine() returns uuid language sql stable set search_path = '' as $$ select auth.uid() $$;`,
    policy,
  );
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "mine()", rule: "executable by anon" },
      { object: "mine()", rule: "executable by PUBLIC" },
    ]),
  );
  expect(found.some((v) => v.rule.includes("authenticated"))).toBe(false);
});
