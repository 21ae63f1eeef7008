// The embedded Postgres of the local stack and of the other tests offers no
// pg_cron at all. The cron migration's extension step must say exactly that,
// not that pg_cron "is available but could not be created" (the message for a
// server that has the package but not the preload): the two need different
// fixes, and an operator reading the migration log acts on the words. The
// step is run here as the migration has it, on a database cloned from the
// migrated template, in a transaction that is rolled back.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

/** The migration's one DO block: the extension step. */
async function extensionStep(): Promise<string> {
  const migration = await readFile(
    join(repoRoot, "supabase/migrations/20261122005000_schedule_supabase_cron.sql"),
    "utf8",
  );
  const step = migration.match(/^do \$\$\n[\s\S]*?\n\$\$;/m)?.[0];
  if (!step) throw new Error("the cron migration has no DO block");
  return step;
}

it("notices that pg_cron is not available on this server, and creates nothing", async () => {
  const [available] = await t.sql`select count(*)::int as n from pg_available_extensions where name = 'pg_cron'`;
  expect(available!.n).toBe(0);

  const notices: string[] = [];
  const sql = postgres(t.url, { max: 1, onnotice: (n) => notices.push(String(n.message)) });
  try {
    await sql.begin(async (tx) => {
      await tx.unsafe(await extensionStep());
      const [row] = await tx`select count(*)::int as n from pg_extension where extname in ('pg_cron', 'pg_net')`;
      expect(row!.n).toBe(0);
      throw new Rollback();
    }).catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  } finally {
    await sql.end();
  }
  expect(notices).toEqual([expect.stringContaining("pg_cron is not available on this server")]);
});

class Rollback extends Error {}
