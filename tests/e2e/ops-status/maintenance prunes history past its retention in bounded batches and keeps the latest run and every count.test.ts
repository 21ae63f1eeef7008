// The maintenance function, served by Deno over a real database: runs and
// delivery records past their retention go, a bounded number of batches per
// run (the rest deferred to the next run), never a job's latest run, never a
// click, never a count the operations snapshot shows. What only the passage
// of time makes (rows 40 to 60 days old, deliveries 5 days old) is written
// directly; everything else goes through the project's SQL functions.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type ServedFunctions, serveFunctions } from "../../support/functions.ts";
import { CRON_SECRET } from "./scenario.ts";

let database: TestDatabase;
let functions: ServedFunctions;

beforeAll(async () => {
  database = await createTestDatabase();
  functions = await serveFunctions({
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: database.url,
    CRON_SECRET,
    SUPABASE_SERVICE_ROLE_KEY: "service-role-key-for-tests",
    MAINTENANCE_BATCH_SIZE: "10",
    MAINTENANCE_MAX_BATCHES: "2",
  });
  const { sql } = database;
  // 25 old runs of one job (the latest of them must stay), 5 old and 1 fresh of another.
  await sql`
    insert into app_private.job_runs (job, lease, holder, started_at, finished_at, outcome)
    select 'old-job', 'old-job', 'cron:old', now() - interval '60 days' + g * interval '1 minute',
           now() - interval '60 days' + g * interval '1 minute' + interval '1 second', 'completed'
      from generate_series(1, 25) g`;
  await sql`
    insert into app_private.job_runs (job, lease, holder, started_at, finished_at, outcome)
    select 'busy-job', 'busy-job', 'cron:old', now() - interval '40 days' + g * interval '1 minute',
           now() - interval '40 days' + g * interval '1 minute' + interval '1 second', 'completed'
      from generate_series(1, 5) g
    union all
    select 'busy-job', 'busy-job', 'cron:fresh', now() - interval '1 minute', now(), 'completed'`;
  // 12 deliveries for one email (a click among them), then 10 of them made 5 days old.
  for (let i = 0; i < 12; i++) {
    const type = i === 0 ? "email.clicked" : "email.opened";
    await sql`select public.record_resend_webhook(
      p_svix_id => ${`msg_keep_${i}`}, p_event_type => ${type}, p_payload => '{}',
      p_occurred_at => now(), p_email_id => 'e-maint',
      p_click => ${type === "email.clicked" ? sql.json({ link: "https://example.com/a" }) : null})`;
  }
  await sql`update app_private.resend_webhook_deliveries set received_at = now() - interval '5 days'
             where svix_id not in ('msg_keep_10', 'msg_keep_11')`;
}, 120_000);

afterAll(async () => {
  await functions?.close();
  await database?.drop();
});

const maintain = async (authorization = `Bearer ${CRON_SECRET}`) => {
  const res = await fetch(functions.url("maintenance"), {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: "{}",
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const webhookCounts = async () =>
  (await database.sql<{ s: { webhooks: Record<string, unknown> } }[]>`select public.ops_status_snapshot() as s`)[0]!.s
    .webhooks;

it("refuses a caller without the cron secret and prunes nothing", async () => {
  expect((await maintain("Bearer not-the-secret")).status).toBe(401);
  const [row] = await database.sql<{ n: number }[]>`select count(*)::int as n from app_private.job_runs`;
  expect(row?.n).toBe(31);
});

it("prunes in bounded batches across runs, keeping each job's latest run, the clicks and the counts", async () => {
  const before = await webhookCounts();

  const first = await maintain();
  expect(first.status).toBe(200);
  // Two batches of ten per kind and run: 29 old runs need three, so 9 wait
  // for the next run; the 10 old deliveries fit.
  expect(first.body).toMatchObject({
    outcome: "completed",
    pruned: { job_runs: 20, webhook_deliveries: 10 },
    deferred: ["job_runs"],
  });

  const second = await maintain();
  expect(second.status).toBe(200);
  expect(second.body).toMatchObject({ pruned: { job_runs: 9, webhook_deliveries: 0 }, deferred: [] });

  const runs = await database.sql<{ job: string; holder: string }[]>`
    select job, holder from app_private.job_runs where job <> 'maintenance' order by job`;
  expect(runs).toEqual([
    { job: "busy-job", holder: "cron:fresh" },
    { job: "old-job", holder: "cron:old" },
  ]);
  const deliveries = await database.sql`select svix_id from app_private.resend_webhook_deliveries order by svix_id`;
  expect(deliveries.map((d) => d.svix_id)).toEqual(["msg_keep_10", "msg_keep_11"]);
  const clicks = await database.sql`select link, svix_id from app_private.email_clicks where email_id = 'e-maint'`;
  expect(clicks).toEqual([{ link: "https://example.com/a", svix_id: null }]);
  const [email] = await database
    .sql`select open_count, click_count, event_count from app_private.email_history where email_id = 'e-maint'`;
  expect(email).toEqual({ open_count: 11, click_count: 1, event_count: 12 });
  const after = await webhookCounts();
  expect({ ...after, last_received_at: null, deliveries_24h: null }).toEqual({
    ...before,
    last_received_at: null,
    deliveries_24h: null,
  });
});
