// pg_cron installed on the server but not creatable in this database: pg_cron
// refuses CREATE EXTENSION anywhere but the database named by
// cron.database_name ("can only create extension in database %", pg_cron's
// extension script), and fails the same way when it is not in
// shared_preload_libraries. That is a server setting, not a reason to fail
// every later migration: the migrations apply, no extension is created and
// re-syncing answers that pg_cron is not installed. Here Debian's PostgreSQL
// 15 runs pg_cron's launcher for another database, and the project's
// migrations go to `postgres` through the Supabase CLI.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import postgres, { type Sql } from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyMigrations, applyPlatformBootstrap, repoRoot } from "../../dev/postgres.ts";
import { type Pg15, startPg15WithCron } from "../support/pg15.ts";
import { describeWithSystemPackages, PG15_WITH_CRON } from "../support/system-packages.ts";

describeWithSystemPackages(PG15_WITH_CRON)(
  "where pg_cron cannot be created the migrations still apply and schedule nothing",
  () => {
    let pg: Pg15;
    let sql: Sql;
    beforeAll(async () => {
      pg = await startPg15WithCron({ cronDatabase: "cron_home" });
      sql = postgres(pg.url(), { max: 1, onnotice: () => {} });
    });
    afterAll(async () => {
      await sql?.end({ timeout: 5 });
      await pg?.stop();
    });

    it("applies every migration, creates no pg_cron and skips the sync", async () => {
      const [offered] = await sql`select count(*)::int as n from pg_available_extensions where name = 'pg_cron'`;
      expect(offered!.n).toBe(1);
      await applyPlatformBootstrap(pg.url());
      await sql.unsafe(await readFile(join(repoRoot, "tests/cron/supabase-stand-ins.sql"), "utf8"));
      await applyMigrations(pg.url());

      const [row] = await sql`
        select exists (select from pg_extension where extname = 'pg_cron') as pg_cron,
               to_regnamespace('cron') as cron_schema`;
      expect(row).toEqual({ pg_cron: false, cron_schema: null });
      const [synced] = await sql`select app_private.sync_cron_jobs() as result`;
      expect(synced!.result).toEqual({ skipped: "pg_cron is not installed" });
    });
  },
);
