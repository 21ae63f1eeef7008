// The hostile-request properties prove "changes nothing" by comparing
// databaseChecksum before and after each batch. The project's tables live in
// app_private (outside the schema PostgREST exposes), so a checksum of public
// alone would call a database unchanged after a refused request had written a
// job run, a ledger row or a webhook delivery there.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";
import { databaseChecksum } from "./fuzz.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

it("changes when one row is written to an app_private table, and only that table's entry changes", async () => {
  const before = await databaseChecksum(t.sql);
  await t.sql`
    insert into app_private.translation_cache (source_locale, target_locale, source_text, translated_text)
    values ('en', 'de', 'Arsenal', 'Arsenal')`;
  const after = await databaseChecksum(t.sql);
  const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
  expect(changed).toEqual(["app_private.translation_cache"]);
});

it("changes when a sequence in app_private advances", async () => {
  const [seq] = await t.sql<{ name: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'app_private' and c.relkind = 'S'
     order by 1 limit 1`;
  expect(seq, "app_private has a sequence").toBeDefined();
  const before = await databaseChecksum(t.sql);
  await t.sql`select nextval(${seq!.name}::regclass)`;
  const after = await databaseChecksum(t.sql);
  expect(Object.keys(after).filter((name) => after[name] !== before[name])).toEqual([seq!.name]);
});
