// The database lockdown rules, as one function that lists every violation in a
// database. The lockdown test applies it to a freshly migrated database (it
// must find nothing) and to the same database with deliberately bad objects
// added in a rolled-back transaction (it must find each of them), so a rule
// that silently stopped checking would fail the test too.
//
// The rules, in one place:
//   * An exposed schema (what PostgREST serves) holds no table, view or
//     sequence except the tables users read under row level security, and no
//     function except the intended entry points; every intended entry point
//     exists.
//   * No API role (anon, authenticated, service_role) may INSERT, UPDATE,
//     DELETE or TRUNCATE any table, or use any sequence: tables are written
//     only by the project's functions.
//   * No API role has USAGE on a project schema PostgREST does not expose.
//   * Every table has row level security on.
//   * Every function pins search_path to ''. Entry points run as their owner
//     (security definer: no API role can reach app_private otherwise) and are
//     executable by service_role; nothing else is security definer.
//   * No function is executable by anon, authenticated or PUBLIC, except one
//     meant for signed-in users (never anon or PUBLIC), which must read
//     auth.uid().
import type { Sql, TransactionSql } from "postgres";

/**
 * Schemas the platform owns, not our migrations: Supabase creates and guards
 * them (auth, extensions) or the CLI does (supabase_migrations). Everything
 * else that is not a Postgres system schema is ours and is checked.
 */
export const PLATFORM_SCHEMAS = ["auth", "extensions", "supabase_migrations"];

/**
 * Schemas PostgREST serves: supabase/config.toml's `[api] schemas` (public),
 * plus graphql_public, which the platform exposes for pg_graphql.
 */
export const EXPOSED_SCHEMAS = ["public", "graphql_public"];

/** The roles every request through PostgREST can act as without the service-role key. */
export const USER_ROLES = ["anon", "authenticated"] as const;

/** Every role PostgREST switches to, including the one the service-role key selects. */
export const API_ROLES = ["anon", "authenticated", "service_role"] as const;

export interface LockdownPolicy {
  /**
   * "schema.name" of every function an exposed schema may hold → who calls it.
   * Compared both ways with the catalogue: a function not listed is reported,
   * and so is a listed one that does not exist.
   */
  entryPoints: Record<string, string>;
  /** "schema.table" that may sit in an exposed schema → why users read it there (under RLS). */
  readableUnderRls: Record<string, string>;
  /**
   * "schema.name" → why signed-in users may call it. Each must scope itself to
   * the caller by reading auth.uid() in its body.
   */
  callableByUsers: Record<string, string>;
}

export interface Violation {
  object: string;
  rule: string;
}

type Q = Sql | TransactionSql;

/** The project's schemas (platform and system schemas excluded, exposed ones included). */
async function schemas(sql: Q) {
  return sql<{ name: string }[]>`
    select n.nspname as name from pg_catalog.pg_namespace n
     where n.nspname <> all(${PLATFORM_SCHEMAS})
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname not like 'pg\\_temp\\_%' and n.nspname not like 'pg\\_toast\\_temp\\_%'
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')
     order by 1`;
}

/** Every table, view and sequence in the project's schemas (extension members excluded). */
async function relations(sql: Q) {
  return sql<{ schema: string; name: string; kind: string; rls: boolean; public_can: string[] }[]>`
    select n.nspname as schema,
           n.nspname || '.' || c.relname as name,
           c.relkind::text as kind,
           c.relrowsecurity as rls,
           -- Grants to PUBLIC (grantee 0) reach every role, including ones
           -- created later; a null ACL means the owner's defaults.
           coalesce((select array_agg(a.privilege_type::text order by a.privilege_type)
                       from aclexplode(coalesce(c.relacl, acldefault(
                              case when c.relkind = 'S' then 's' else 'r' end::"char", c.relowner))) a
                      where a.grantee = 0), '{}') as public_can
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
       and n.nspname <> all(${PLATFORM_SCHEMAS})
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname not like 'pg\\_temp\\_%' and n.nspname not like 'pg\\_toast\\_temp\\_%'
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
     order by 2`;
}

/** Every function and procedure in the project's schemas (extension members excluded). */
async function functions(sql: Q) {
  return sql<
    {
      schema: string;
      name: string;
      signature: string;
      oid: number;
      config: string[] | null;
      definer: boolean;
      source: string;
      public_execute: boolean;
    }[]
  >`
    select n.nspname as schema,
           n.nspname || '.' || p.proname as name,
           p.oid::regprocedure::text as signature,
           p.oid::int8 as oid,
           p.proconfig as config,
           p.prosecdef as definer,
           p.prosrc as source,
           exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                    where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public_execute
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where n.nspname <> all(${PLATFORM_SCHEMAS})
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
       and n.nspname not like 'pg\\_temp\\_%' and n.nspname not like 'pg\\_toast\\_temp\\_%'
       and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
     order by 3`;
}

async function tablePrivilege(sql: Q, role: string, relation: string, privileges: string): Promise<boolean> {
  const [row] = await sql<
    { yes: boolean }[]
  >`select has_table_privilege(${role}, ${relation}::regclass, ${privileges}) as yes`;
  return row!.yes;
}

async function sequencePrivilege(sql: Q, role: string, relation: string): Promise<boolean> {
  const [row] = await sql<
    { yes: boolean }[]
  >`select has_sequence_privilege(${role}, ${relation}, 'USAGE,UPDATE') as yes`;
  return row!.yes;
}

async function functionPrivilege(sql: Q, role: string, oid: number): Promise<boolean> {
  const [row] = await sql<{ yes: boolean }[]>`select has_function_privilege(${role}, ${oid}::oid, 'EXECUTE') as yes`;
  return row!.yes;
}

async function schemaUsage(sql: Q, role: string, schema: string): Promise<boolean> {
  const [row] = await sql<{ yes: boolean }[]>`select has_schema_privilege(${role}, ${schema}, 'USAGE') as yes`;
  return row!.yes;
}

/** What the schemas, tables, sequences and functions of the project break. Empty means locked down. */
export async function lockdownViolations(sql: Q, policy: LockdownPolicy): Promise<Violation[]> {
  const found: Violation[] = [];
  const add = (object: string, rule: string) => found.push({ object, rule });
  const exposed = (schema: string) => EXPOSED_SCHEMAS.includes(schema);

  for (const s of await schemas(sql)) {
    if (exposed(s.name)) continue;
    for (const role of API_ROLES) {
      if (await schemaUsage(sql, role, s.name)) add(s.name, `schema usable by ${role}`);
    }
  }

  for (const r of await relations(sql)) {
    if (exposed(r.schema) && !(r.kind !== "S" && r.name in policy.readableUnderRls)) {
      add(r.name, "in an exposed schema but not a table users read under RLS");
    }
    if (r.kind === "S") {
      // nextval()/setval() on a sequence a table draws from lets a caller burn
      // or rewind ids, e.g. the fencing-token sequence.
      for (const role of API_ROLES) {
        if (await sequencePrivilege(sql, role, r.name)) add(r.name, `sequence usable by ${role}`);
      }
      if (r.public_can.some((p) => p === "USAGE" || p === "UPDATE")) add(r.name, "sequence usable by PUBLIC");
      continue;
    }
    // Views and foreign tables have no RLS of their own; tables must have it on
    // so that a grant added later still exposes no row without a policy.
    if ((r.kind === "r" || r.kind === "p") && !r.rls) add(r.name, "row level security is off");
    for (const role of API_ROLES) {
      if (await tablePrivilege(sql, role, r.name, "INSERT,UPDATE,DELETE,TRUNCATE")) add(r.name, `writable by ${role}`);
    }
    const publicWrites = r.public_can.filter((p) => ["INSERT", "UPDATE", "DELETE", "TRUNCATE"].includes(p));
    if (publicWrites.length) add(r.name, `writable by PUBLIC (${publicWrites.join(", ")})`);
  }
  const tables = await relations(sql);
  for (const name of Object.keys(policy.readableUnderRls)) {
    if (!tables.some((r) => r.name === name)) add(name, "listed as read under RLS but does not exist");
  }

  const all = await functions(sql);
  for (const f of all) {
    // `set search_path = ''` is stored as search_path="" (quoted empty string).
    const searchPath = (f.config ?? []).find((c) => c.startsWith("search_path="));
    if (searchPath !== 'search_path=""') add(f.signature, `search_path is not set to '' (${searchPath ?? "not set"})`);
    const entryPoint = f.name in policy.entryPoints;
    if (exposed(f.schema) && !entryPoint) add(f.signature, "in an exposed schema but not an intended entry point");
    if (entryPoint) {
      if (!f.definer) add(f.signature, "entry point does not run as its owner (security definer)");
      if (!(await functionPrivilege(sql, "service_role", f.oid))) {
        add(f.signature, "entry point not executable by service_role");
      }
    } else if (f.definer) {
      add(f.signature, "security definer but not an entry point");
    }
    if (f.name in policy.callableByUsers) {
      // A function users may call must decide whose rows it touches from the
      // token, never from an argument.
      if (!/\bauth\s*\.\s*uid\s*\(\s*\)/i.test(f.source)) {
        add(f.signature, "callable by users but never reads auth.uid()");
      }
      if (await functionPrivilege(sql, "anon", f.oid)) add(f.signature, "executable by anon");
      if (f.public_execute) add(f.signature, "executable by PUBLIC");
      continue;
    }
    for (const role of USER_ROLES) {
      if (await functionPrivilege(sql, role, f.oid)) add(f.signature, `executable by ${role}`);
    }
    if (f.public_execute) add(f.signature, "executable by PUBLIC");
  }
  for (const name of Object.keys(policy.entryPoints)) {
    if (!all.some((f) => f.name === name)) add(name, "intended entry point does not exist");
  }
  return found;
}

/** The objects the checker looked at, so a test can show it did not look at nothing. */
export async function lockdownInventory(sql: Q): Promise<{ relations: string[]; functions: string[] }> {
  return {
    relations: (await relations(sql)).map((r) => `${r.kind}:${r.name}`),
    functions: (await functions(sql)).map((f) => f.signature),
  };
}
