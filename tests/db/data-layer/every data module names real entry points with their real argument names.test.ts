// The cores reach SQL only through src/shared/data/<concern>.ts, and each
// module lists the entry points it calls with their argument names
// (`procedures`). A call through PostgREST or the direct adapter names its
// arguments, so an argument renamed on one side only is not a type error:
// PostgREST answers 404 "Could not find the function" (PGRST202) at run time,
// and a defaulted argument misspelled in TypeScript is silently left at its
// default. `supabase gen types typescript` would derive argument types from
// the catalogue, but every way it runs needs what this project does without:
// `--project-id`/`--linked` ask a hosted project's Management API, `--local`
// needs the Docker stack of `supabase start`, and `--db-url` too starts the
// postgres-meta image with Docker (github.com/supabase/cli,
// apps/cli-go/internal/gen/types/types.go: `utils.DockerRunOnceWithConfig`
// with `Config.Studio.PgmetaImage`). So the modules are the types, written
// once, and this test compares them with the catalogue of a freshly migrated
// database, both ways.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

const dataDir = new URL("../../../src/shared/data/", import.meta.url);
const files = readdirSync(fileURLToPath(dataDir)).filter((f) => f.endsWith(".ts")).sort();

interface Module {
  file: string;
  source: string;
  procedures: Record<string, readonly string[]>;
}

let t: TestDatabase;
let modules: Module[];
/** Input argument names of every function the project defines in public, by name (one entry per overload). */
let catalogue: Map<string, string[][]>;

beforeAll(async () => {
  t = await createTestDatabase({ max: 1 });
  modules = await Promise.all(files.map(async (file) => {
    const url = new URL(file, dataDir);
    const loaded = (await import(url.href)) as { procedures?: Record<string, readonly string[]> };
    return { file, source: readFileSync(url, "utf8"), procedures: loaded.procedures ?? {} };
  }));
  // Functions an extension installs in public (none today) are not the
  // project's. proargmodes is null when every argument is IN; OUT and TABLE
  // columns are not named in a call.
  const rows = await t.sql<{ name: string; args: string[] }[]>`
    select p.proname as name,
           array(
             select p.proargnames[i]
               from generate_subscripts(p.proargnames, 1) as i
              where coalesce(p.proargmodes[i], 'i') in ('i', 'b', 'v')
              order by i
           ) as args
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public'
       and p.prokind = 'f'
       and not exists (
         select 1 from pg_catalog.pg_depend d
          where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
       )`;
  catalogue = new Map();
  for (const row of rows) catalogue.set(row.name, [...(catalogue.get(row.name) ?? []), row.args]);
});
afterAll(() => t?.drop());

it("finds the data modules", () => {
  // A glob that matched nothing would make every check below pass vacuously.
  expect(files).toEqual(expect.arrayContaining(["broadcasts.ts", "leases.ts", "user-deletions.ts"]));
  for (const m of modules) expect(Object.keys(m.procedures), `${m.file} exports no procedures`).not.toHaveLength(0);
});

it("names only functions that exist in public, each with exactly its argument names in order", () => {
  const wrong: string[] = [];
  for (const m of modules) {
    for (const [name, args] of Object.entries(m.procedures)) {
      const overloads = catalogue.get(name);
      if (!overloads) wrong.push(`${m.file}: public.${name} does not exist`);
      else if (!overloads.some((o) => JSON.stringify(o) === JSON.stringify(args))) {
        wrong.push(
          `${m.file}: public.${name}(${args.join(", ")}) but the database has ` +
            overloads.map((o) => `(${o.join(", ")})`).join(" or "),
        );
      }
    }
  }
  expect(wrong).toEqual([]);
});

it("calls through Db.rpc only the functions its procedures list", () => {
  const unlisted: string[] = [];
  for (const m of modules) {
    for (const call of m.source.matchAll(/\.rpc(?:<[^(]*>)?\(\s*"([a-z_0-9]+)"/g)) {
      if (!(call[1]! in m.procedures)) unlisted.push(`${m.file}: ${call[1]}`);
    }
  }
  expect(unlisted).toEqual([]);
});

it("leaves no function of the project in public that no module names", () => {
  const named = new Set(modules.flatMap((m) => Object.keys(m.procedures)));
  const unnamed = [...catalogue.keys()].filter((name) => !named.has(name)).sort();
  expect(unnamed).toEqual([]);
});

it("names each function in one module only", () => {
  const owners = new Map<string, string[]>();
  for (const m of modules) {
    for (const name of Object.keys(m.procedures)) owners.set(name, [...(owners.get(name) ?? []), m.file]);
  }
  expect([...owners].filter(([, files]) => files.length > 1)).toEqual([]);
});
