// PostgREST serves every table and function in the exposed schemas (public,
// graphql_public), and Supabase's default privileges GRANT whatever the
// migration role creates in public to anon, authenticated and service_role.
// So the project keeps its tables, sequences and helpers in app_private (never
// exposed, no API role has usage), leaves in public only the entry points the
// edge functions call and the tables users read under RLS, and lets no API role
// write any table: tables are written only by the project's functions. The
// checker (./lockdown.ts) is proven against deliberately bad objects below, so
// a migration that adds a table to public, a grant or an unlisted function
// fails here.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { lockdownInventory, type LockdownPolicy, lockdownViolations, type Violation } from "./lockdown.ts";

const job = (name: string) => `called by the ${name} edge function through RPC`;

/** Every function public may hold, and who calls it. */
const ENTRY_POINTS: Record<string, string> = {
  "public.begin_job_run": "every cron job: take the job's lease and record the run",
  "public.renew_job_lease": "every leased job, every third of its TTL",
  "public.finish_job_run": "every cron job: record the outcome and release the lease",
  "public.ledger_load": job("braze-scheduler"),
  "public.ledger_begin": job("braze-scheduler and braze-reconcile"),
  "public.ledger_settle": job("braze-scheduler and braze-reconcile"),
  "public.ledger_load_unresolved": job("braze-reconcile"),
  "public.ledger_record_orphans": job("braze-reconcile"),
  "public.braze_send_guard": job("braze-send-guard, which Braze's Connected Content calls before each push"),
  "public.translations_lookup": job("braze-scheduler"),
  "public.translations_store": job("braze-scheduler"),
  "public.sync_managed_calendars": job("calendar-sync"),
  "public.record_resend_webhook": job("resend-webhook"),
  "public.forget_email_recipients": "operators (a recipient's erasure request); the deletion saga calls it in SQL",
  "public.broadcast_create": "the app's back office (a draft broadcast); no edge function creates one",
  "public.broadcast_get": "the app's back office (a broadcast's state)",
  "public.broadcast_begin": job("broadcasts"),
  "public.broadcast_record_provider_id": job("broadcasts and broadcasts-resolve"),
  "public.broadcast_confirm": job("broadcasts and broadcasts-resolve"),
  "public.broadcast_rollback": job("broadcasts and broadcasts-resolve"),
  "public.broadcast_mark_uncertain": job("broadcasts"),
  "public.broadcast_settle_to_provider": job("broadcasts-resolve"),
  "public.broadcast_mark_unresolved": job("broadcasts-resolve"),
  "public.broadcast_requeue": "operators, after checking an unresolved broadcast at Resend",
  "public.broadcast_claim_stuck": job("broadcasts-resolve"),
  "public.user_deletion_request": job("delete-user"),
  "public.user_deletion_claim": job("delete-user"),
  "public.user_deletion_claim_due": job("delete-user-resume"),
  "public.user_deletion_step_done": job("delete-user and delete-user-resume"),
  "public.user_deletion_pivot": job("delete-user and delete-user-resume"),
  "public.user_deletion_compensating": job("delete-user and delete-user-resume"),
  "public.user_deletion_finish": job("delete-user and delete-user-resume"),
  "public.user_deletion_fail": job("delete-user and delete-user-resume"),
  "public.maintenance_prune": job("maintenance"),
  "public.ops_status_snapshot": job("ops-status"),
};

const POLICY: LockdownPolicy = {
  entryPoints: ENTRY_POINTS,
  readableUnderRls: {
    // The app reads a user's calendars with the user's own token through
    // PostgREST; the read-own policies scope every row to auth.uid().
    "public.managed_calendars": "a signed-in user reads their own calendars",
    "public.managed_calendar_revisions": "a signed-in user reads the revision to send back as expected_revision",
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
 * Runs `arrange` and the checker inside one transaction that is always rolled
 * back; returns what the checker found.
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
  return found;
}

it("finds no violation in the migrated database, having looked at every table and function", async () => {
  const inventory = await lockdownInventory(t.sql);
  // The checker saw the objects the migrations create (a sample from each job),
  // so an empty violation list is not an empty search.
  expect(inventory.relations).toEqual(
    expect.arrayContaining([
      "r:app_private.job_leases",
      "r:app_private.schedule_ledger",
      "r:public.managed_calendars",
      "r:app_private.email_history",
      "r:app_private.broadcasts",
      "r:app_private.user_deletions",
      "S:app_private.job_lease_token_seq",
    ]),
  );
  expect(inventory.functions).toEqual(
    expect.arrayContaining([
      "app_private.acquire_job_lease(text,text,integer)",
      "app_private.assert_job_lease(text,bigint)",
      "sync_managed_calendars(uuid,jsonb,bigint)",
      "record_resend_webhook(text,text,jsonb,timestamp with time zone,text,jsonb,text,jsonb,jsonb)",
      "broadcast_begin(uuid,text,timestamp with time zone)",
      "user_deletion_pivot(uuid,uuid)",
    ]),
  );
  console.log(`lockdown: checked ${inventory.relations.length} relations and ${inventory.functions.length} functions`);
  const found = await lockdownViolations(t.sql, POLICY);
  expect(found).toEqual([]);
});

it("lists exactly the functions public holds as entry points, and public holds only the RLS-read tables", async () => {
  const inPublic = await t.sql<{ name: string }[]>`
    select 'public.' || p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' order by 1`;
  // Both ways: an unlisted function is exposed by accident, a stale entry would
  // silently allow a future function of that name.
  expect(inPublic.map((f) => f.name)).toEqual(Object.keys(ENTRY_POINTS).sort());
  const tables = await t.sql<{ name: string }[]>`
    select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', 'graphql_public') and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') order by 1`;
  expect(tables.map((r) => r.name)).toEqual(Object.keys(POLICY.readableUnderRls).sort());
});

it("reports a table a migration adds to public, even one with RLS on and no grant", async () => {
  const found = await violationsAfter(`
    create table public.careless (id int primary key);
    alter table public.careless enable row level security;`);
  expect(found).toEqual([
    { object: "public.careless", rule: "in an exposed schema but not a table users read under RLS" },
  ]);
});

it("reports a table created after a migration brings back Supabase's default grants in public", async () => {
  // What the platform grants on every table postgres creates in public, unless
  // the first migration's default privileges take it back.
  const found = await violationsAfter(`
    alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
    create table public.careless (id int primary key, note text);`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "public.careless", rule: "in an exposed schema but not a table users read under RLS" },
      { object: "public.careless", rule: "row level security is off" },
      { object: "public.careless", rule: "writable by anon" },
      { object: "public.careless", rule: "writable by authenticated" },
      { object: "public.careless", rule: "writable by service_role" },
    ]),
  );
});

it("reports a write granted to service_role, even on a table in app_private", async () => {
  const found = await violationsAfter(`grant insert, update on table app_private.job_runs to service_role;`);
  expect(found).toEqual([{ object: "app_private.job_runs", rule: "writable by service_role" }]);
});

it("reports a write granted to users on the tables they read under RLS", async () => {
  const found = await violationsAfter(`grant update on table public.managed_calendars to authenticated;`);
  expect(found).toEqual([{ object: "public.managed_calendars", rule: "writable by authenticated" }]);
});

it("reports usage on app_private for any API role", async () => {
  const found = await violationsAfter(`grant usage on schema app_private to authenticated, service_role;`);
  expect(found).toEqual([
    { object: "app_private", rule: "schema usable by authenticated" },
    { object: "app_private", rule: "schema usable by service_role" },
  ]);
});

it("reports a write granted to PUBLIC on an existing table, and a usable sequence", async () => {
  const found = await violationsAfter(`
    grant insert on table app_private.job_runs to public;
    grant usage on sequence app_private.job_lease_token_seq to anon;`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "app_private.job_runs", rule: "writable by PUBLIC (INSERT)" },
      { object: "app_private.job_runs", rule: "writable by anon" },
      { object: "app_private.job_lease_token_seq", rule: "sequence usable by anon" },
    ]),
  );
});

it("reports a table in a new schema of the project, not only in public and app_private", async () => {
  const found = await violationsAfter(`
    create schema reporting;
    create table reporting.totals (n int);
    grant usage on schema reporting to anon;
    grant delete on table reporting.totals to authenticated;`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "reporting", rule: "schema usable by anon" },
      { object: "reporting.totals", rule: "row level security is off" },
      { object: "reporting.totals", rule: "writable by authenticated" },
    ]),
  );
});

it("reports a function in public that is not an intended entry point, and a listed one that is gone", async () => {
  const found = await violationsAfter(`
    create function public.helper() returns int language sql set search_path = '' as $$ select 1 $$;
    drop function public.broadcast_get(uuid);`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "helper()", rule: "in an exposed schema but not an intended entry point" },
      { object: "public.broadcast_get", rule: "intended entry point does not exist" },
    ]),
  );
  expect(found).toHaveLength(2);
});

it("reports an entry point that runs as its caller, and one service_role cannot execute", async () => {
  const found = await violationsAfter(`
    alter function public.ledger_load(text) security invoker;
    revoke execute on function public.broadcast_get(uuid) from service_role;`);
  expect(found).toEqual([
    { object: "broadcast_get(uuid)", rule: "entry point not executable by service_role" },
    { object: "ledger_load(text)", rule: "entry point does not run as its owner (security definer)" },
  ]);
});

it("reports a grant of EXECUTE on an entry point to signed-in users or to PUBLIC", async () => {
  const found = await violationsAfter(`
    grant execute on function public.ledger_load(text) to authenticated;
    grant execute on function public.broadcast_get(uuid) to public;`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "ledger_load(text)", rule: "executable by authenticated" },
      { object: "broadcast_get(uuid)", rule: "executable by PUBLIC" },
      { object: "broadcast_get(uuid)", rule: "executable by anon" },
    ]),
  );
});

it("reports a new helper left executable by PUBLIC, without search_path, or running as its owner", async () => {
  const found = await violationsAfter(`
    create function app_private.careless_fn() returns int language sql as $$ select 1 $$;
    grant execute on function app_private.careless_fn() to public;
    create function app_private.powerful() returns int language sql security definer set search_path = ''
      as $$ select 1 $$;
    create function app_private.pathy() returns int language sql set search_path = public as $$ select 1 $$;`);
  expect(found).toEqual(
    expect.arrayContaining([
      { object: "app_private.careless_fn()", rule: "search_path is not set to '' (not set)" },
      { object: "app_private.careless_fn()", rule: "executable by PUBLIC" },
      { object: "app_private.careless_fn()", rule: "executable by anon" },
      { object: "app_private.powerful()", rule: "security definer but not an entry point" },
      { object: "app_private.pathy()", rule: "search_path is not set to '' (search_path=public)" },
    ]),
  );
  expect(found).toHaveLength(6);
});

it("leaves a function created in public by the migration role with no EXECUTE for PUBLIC, anon or authenticated", async () => {
  // The first migration's default privileges, not a revoke per function, are
  // what keep a new entry point from the API's user roles.
  const found = await violationsAfter(
    `
    create function public.fresh() returns int language sql security definer set search_path = '' as $$ select 1 $$;`,
    { ...POLICY, entryPoints: { ...ENTRY_POINTS, "public.fresh": "a new entry point" } },
  );
  expect(found).toEqual([]);
});

it("lets a user-facing function be called by authenticated only if it reads auth.uid()", async () => {
  const policy: LockdownPolicy = {
    ...POLICY,
    entryPoints: { ...ENTRY_POINTS, "public.my_things": "users", "public.any_things": "users" },
    callableByUsers: { "public.my_things": "reads the caller's rows", "public.any_things": "takes a user id" },
  };
  const found = await violationsAfter(
    `
    create function public.my_things() returns int language sql stable security definer set search_path = ''
      as $$ select count(*)::int from public.managed_calendars where user_id = (select auth.uid()) $$;
    create function public.any_things(p_user_id uuid) returns int language sql stable security definer
      set search_path = '' as $$ select count(*)::int from public.managed_calendars where user_id = p_user_id $$;
    grant execute on function public.my_things(), public.any_things(uuid) to authenticated;`,
    policy,
  );
  expect(found).toEqual([{ object: "any_things(uuid)", rule: "callable by users but never reads auth.uid()" }]);
});

it("still refuses anon and PUBLIC on a user-facing function", async () => {
  const policy: LockdownPolicy = {
    ...POLICY,
    entryPoints: { ...ENTRY_POINTS, "public.mine": "users" },
    callableByUsers: { "public.mine": "reads the caller's rows" },
  };
  const found = await violationsAfter(
    `create function public.mine() returns uuid language sql stable security definer set search_path = ''
       as $$ select auth.uid() $$;
     grant execute on function public.mine() to public;`,
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
