// The embedded Postgres of the local stack and of the other tests has neither
// pg_cron nor pg_net. The cron migration must still apply there (it did: this
// database is cloned from the migrated template) and schedule nothing, saying
// why; dev/cron-driver.ts runs the same app_private.cron_schedules rows instead.
import { afterAll, beforeAll, expect, it } from "vitest";
import postgres from "postgres";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

it("leaves no cron schema and no pg_cron extension behind", async () => {
  const [row] = await t.sql`
    select to_regnamespace('cron') as cron_schema,
           exists (select from pg_extension where extname in ('pg_cron', 'pg_net')) as extensions`;
  expect(row).toEqual({ cron_schema: null, extensions: false });
});

it("keeps the schedule list for the local cron driver", async () => {
  const rows = await t.sql`select name from app_private.cron_schedules`;
  expect(rows.length).toBeGreaterThanOrEqual(4);
});

it("answers a re-sync with the reason and a NOTICE, not an error", async () => {
  const notices: string[] = [];
  const sql = postgres(t.url, { max: 1, onnotice: (n) => notices.push(String(n.message)) });
  try {
    const [row] = await sql`select app_private.sync_cron_jobs() as result`;
    expect(row?.result).toEqual({ skipped: "pg_cron is not installed" });
    expect(notices).toEqual([expect.stringContaining("pg_cron is not installed")]);
  } finally {
    await sql.end();
  }
});

it("is not callable through the API roles", async () => {
  const [row] = await t.sql`
    select has_function_privilege('anon', 'app_private.sync_cron_jobs()', 'execute') as anon,
           has_function_privilege('authenticated', 'app_private.sync_cron_jobs()', 'execute') as authenticated,
           has_function_privilege('service_role', 'app_private.sync_cron_jobs()', 'execute') as service_role`;
  expect(row).toEqual({ anon: false, authenticated: false, service_role: false });
});
