// The page's by-status numbers (ledger by campaign and status, broadcasts,
// deletion sagas, emails, opens and clicks, runs per hour by outcome) come
// from counters that statement-level triggers keep from the statement's
// transition tables: one grouped delta per statement, whatever the number of
// rows. A multi-row statement is where such a delta goes wrong (a row counted
// once per statement, an UPDATE that adds the new status but does not take
// the old one away, an upsert whose updated rows are missed), so every write
// here touches many rows at once, and one of them rolls back. After each, the
// snapshot must say what a full count of the tables says. (Opens and clicks
// are counted as received, so a deleted email keeps its opens in the total:
// after deletes they must stay what they were.)
import { afterAll, beforeAll, expect, it } from "vitest";
import { operations } from "../../../src/shared/data/operations.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

type Counts = Record<string, number>;

/** The by-status sections of the snapshot, as plain maps. */
async function fromSnapshot() {
  const s = await operations(t.db).snapshot();
  const map = <T>(rows: T[], key: (r: T) => string, n: (r: T) => number | string): Counts =>
    Object.fromEntries(rows.map((r) => [key(r), Number(n(r))]));
  return {
    ledger: map(s.ledger.by_status, (r) => `${r.campaign_id}/${r.status}`, (r) => r.rows),
    broadcasts: map(s.broadcasts.by_status, (r) => r.status, (r) => r.broadcasts),
    deletions: map(s.deletions.by_status, (r) => r.status, (r) => r.sagas),
    emails: map(s.webhooks.emails_by_status, (r) => r.status, (r) => r.emails),
    engagement: { opens: Number(s.webhooks.opens), clicks: Number(s.webhooks.clicks) },
    runsPerHour: map(s.runs_per_hour, (r) => `${new Date(r.hour).toISOString()}/${r.outcome}`, (r) => r.runs),
  };
}

/** The same numbers by full counts over the tables. */
async function fromTables() {
  const grouped = async (query: Promise<{ k: string; n: number }[]>): Promise<Counts> =>
    Object.fromEntries((await query).map((r) => [r.k, r.n]));
  const [engagement] = await t.sql<{ opens: number; clicks: number }[]>`
    select coalesce(sum(open_count), 0)::int as opens, coalesce(sum(click_count), 0)::int as clicks
      from app_private.email_history`;
  return {
    ledger: await grouped(t.sql`
      select campaign_id || '/' || status as k, count(*)::int as n from app_private.schedule_ledger group by 1`),
    broadcasts: await grouped(t.sql`
      select send_status as k, count(*)::int as n from app_private.broadcasts group by 1`),
    deletions: await grouped(t.sql`
      select status as k, count(*)::int as n from app_private.user_deletions group by 1`),
    emails: await grouped(t.sql`
      select status as k, count(*)::int as n from app_private.email_history group by 1`),
    engagement: engagement!,
    // The chart's window: the 24 UTC hours ending with the current one.
    runsPerHour: await grouped(t.sql`
      select to_char(date_trunc('hour', started_at, 'UTC'), 'YYYY-MM-DD"T"HH24:00:00.000"Z"')
               || '/' || coalesce(outcome, 'running') as k,
             count(*)::int as n
        from app_private.job_runs
       where started_at >= date_trunc('hour', now(), 'UTC') - interval '23 hours'
       group by 1`),
  };
}

/** Compares every section; `engagement` overrides the full count of opens and clicks once emails were deleted. */
async function expectExact(step: string, engagement?: { opens: number; clicks: number }) {
  const [snapshot, tables] = [await fromSnapshot(), await fromTables()];
  expect({ step, ...snapshot }).toEqual({ step, ...tables, engagement: engagement ?? tables.engagement });
  return tables.engagement;
}

it("counts what the tables hold after every multi-row statement, and nothing of one that rolled back", async () => {
  await expectExact("empty");

  // Inserts of many rows in one statement, across several groups.
  await t.sql`
    insert into app_private.schedule_ledger
      (campaign_id, match_id, status, attempt_id, guard_key, signature, send_at, kickoff_at, fencing_token,
       braze_schedule_id, uncertain_op)
    select 'campaign-' || (g % 2), g,
           (array['creating', 'scheduled', 'failed', 'cancelled', 'uncertain'])[1 + g % 5],
           gen_random_uuid(), gen_random_uuid(), 's', now() + interval '1 day', now() + interval '1 day', 1,
           case when g % 5 = 1 then 'schedule-' || g end,
           case when g % 5 = 4 then 'create' end
      from generate_series(1, 300) g`;
  await t.sql`
    insert into app_private.broadcasts (subject, content_html, audience_id, send_status, provider_broadcast_id)
    select 'subject ' || g, '<p>hi</p>', 'audience',
           (array['draft', 'failed', 'sent'])[1 + g % 3], case when g % 3 = 2 then 'provider-' || g end
      from generate_series(1, 120) g`;
  await t.sql`
    insert into app_private.user_deletions (user_id, requested_by, status)
    select gen_random_uuid(), 'operator', (array['in_progress', 'done', 'aborted'])[1 + g % 3]
      from generate_series(1, 90) g`;
  await t.sql`
    insert into app_private.email_history (email_id, status, open_count, click_count, event_count)
    select 'email-' || g, (array['sent', 'delivered', 'opened'])[1 + g % 3], g % 4, g % 3, 1
      from generate_series(1, 200) g`;
  // Runs started over the last ten hours; a third still running.
  await t.sql`
    insert into app_private.job_runs (job, lease, holder, started_at, finished_at, outcome)
    select 'job-' || (g % 3), 'job-' || (g % 3), 'test', now() - g * interval '5 minutes',
           case when g % 3 = 0 then null else now() - g * interval '5 minutes' + interval '1 second' end,
           case when g % 3 = 0 then null when g % 3 = 1 then 'completed' else 'failed' end
      from generate_series(1, 120) g`;
  await expectExact("after multi-row inserts");

  // Updates moving many rows between groups in one statement (and rows
  // updated without a status change, which must not move a count).
  await t.sql`
    update app_private.schedule_ledger
       set status = case when status = 'creating' then 'failed' else status end,
           campaign_id = case when match_id % 10 = 3 then 'campaign-moved' else campaign_id end,
           updated_at = now()
     where status in ('creating', 'failed')`;
  await t.sql`update app_private.broadcasts set send_status = 'failed' where send_status = 'draft'`;
  await t.sql`update app_private.user_deletions set status = 'done' where status = 'in_progress'`;
  await t.sql`
    update app_private.email_history
       set status = 'clicked', open_count = open_count + 1, click_count = click_count + 2
     where status in ('delivered', 'opened')`;
  await t.sql`
    update app_private.job_runs set finished_at = now(), outcome = 'completed' where outcome is null`;
  // An upsert inserting some rows and updating others in one statement.
  await t.sql`
    insert into app_private.email_history (email_id, status, open_count, click_count, event_count)
    select 'email-' || g, 'bounced', 1, 0, 1 from generate_series(150, 260) g
    on conflict (email_id) do update
      set status = excluded.status, open_count = app_private.email_history.open_count + excluded.open_count`;
  const received = await expectExact("after multi-row updates and an upsert");

  // Deletes of many rows in one statement.
  await t.sql`delete from app_private.schedule_ledger where match_id % 4 = 0`;
  await t.sql`delete from app_private.broadcasts where send_status = 'failed' and subject like '%1%'`;
  await t.sql`delete from app_private.user_deletions where status = 'done'`;
  await t.sql`delete from app_private.email_history where email_id like 'email-2%'`;
  await expectExact("after multi-row deletes", received);

  // A transaction writing many rows that rolls back leaves no count behind.
  await t.sql
    .begin(async (tx) => {
      await tx`update app_private.schedule_ledger set status = 'cancelled' where status <> 'cancelled'`;
      await tx`insert into app_private.broadcasts (subject, content_html, audience_id)
               select 'rolled back ' || g, '<p>x</p>', 'audience' from generate_series(1, 50) g`;
      await tx`delete from app_private.user_deletions`;
      await tx`update app_private.email_history set open_count = open_count + 100, status = 'complained'`;
      await tx`insert into app_private.job_runs (job, lease, holder, started_at)
               select 'job-rolled-back', 'job-rolled-back', 'test', now() from generate_series(1, 20)`;
      throw new Error("roll back");
    })
    .catch(() => {});
  await expectExact("after a rolled-back transaction", received);
});
