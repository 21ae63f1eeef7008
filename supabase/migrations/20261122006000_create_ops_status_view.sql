-- The operations page's data: everything /functions/v1/ops-status shows, read
-- in ONE round trip and one snapshot (a single SQL statement sees one MVCC
-- snapshot, so a lease and the run holding it cannot disagree on the page).
--
-- Read-only: like every entry point it runs as its owner (no API role can
-- read app_private), and it writes nothing.
--
-- Its cost must not grow with the history (bench/ops.ts times it on an empty
-- database, on one day of traffic and on 10 million deliveries and a year of
-- runs), so every part of it reads either a counter kept by the writes themselves or a
-- bounded list served by an index whose rows are only the ones the page shows:
--   leases               one row per lease name;
--   last runs per job    loose index scan of job_runs (job, started_at desc), 10 per job;
--   runs per hour        ops_hourly_counters, 24 hours x outcomes;
--   ledger / broadcasts / deletions by status    ops_counters;
--   ledger rows needing attention, broadcasts in flight, pending deletions
--                        partial indexes holding only unsettled rows, 200 at most;
--   webhook numbers      ops_counters and ops_hourly_counters;
--   cron schedules       a handful of rows.
-- No count(*) over a table that keeps history, and no max() over one.
--
-- "Stuck" means: in an intermediate state and not touched for 10 minutes.
-- Ten minutes is the broadcasts resolver's default grace period
-- (BROADCASTS_RESOLVE_GRACE_SECONDS=600) and twice an edge function's
-- wall-clock limit on the hosted platform (150-400 s), so a row older than
-- that is no longer in the hands of the request that began it.

-- ---------------------------------------------------------------------------
-- Counters. These rows are written by triggers in the same transaction as the
-- write they count, so they are exact (a rolled-back write rolls its count
-- back). The triggers are statement-level with transition tables
-- (https://www.postgresql.org/docs/current/sql-createtrigger.html: REFERENCING
-- NEW TABLE / OLD TABLE, one event per trigger), so a statement writing a
-- thousand rows adds one grouped delta per counter instead of a thousand
-- updates of the same counter row; for INSERT ... ON CONFLICT DO UPDATE the
-- INSERT trigger sees the inserted rows and the UPDATE trigger the updated
-- ones (same page: "the transition relation for the INSERT trigger contains
-- the inserted rows, the one for UPDATE the updated rows").
-- Each transaction adds to one of 16 shards picked by its backend, so
-- concurrent webhooks do not queue on one hot counter row; a reader sums the
-- shards. Deltas go in key order, so two transactions lock counter rows in
-- the same order and cannot deadlock on them.
-- Deliveries, engagement and runs are counted as received or started:
-- pruning old rows (retention) does not lower them. Rows counted by status
-- (ledger, broadcasts, deletions, emails) are counted as they are now, so a
-- delete lowers them.
-- ---------------------------------------------------------------------------
create table app_private.ops_counters (
  scope   text not null,
  key     text not null,
  subkey  text not null default '',
  shard   smallint not null check (shard between 0 and 15),
  n       bigint not null default 0,
  last_at timestamptz,
  primary key (scope, key, subkey, shard)
);
comment on table app_private.ops_counters is
  'Exact counters for ops_status_snapshot(), maintained by statement triggers in the writing transaction; sum over shard.';
alter table app_private.ops_counters enable row level security;

-- Per UTC hour, for "runs per hour" and "deliveries in the last 24 h": the
-- page reads 25 hours of rows whatever the rate; maintenance prunes old hours.
create table app_private.ops_hourly_counters (
  scope text not null,
  hour  timestamptz not null,
  key   text not null default '',
  shard smallint not null check (shard between 0 and 15),
  n     bigint not null default 0,
  primary key (scope, hour, key, shard)
);
comment on table app_private.ops_hourly_counters is
  'Per-UTC-hour counters for ops_status_snapshot() (runs by outcome, deliveries); sum over shard. Pruned by maintenance.';
alter table app_private.ops_hourly_counters enable row level security;

create function app_private.ops_shard()
returns smallint
language sql
volatile
set search_path = ''
as $$
  select (pg_catalog.pg_backend_pid() % 16)::smallint
$$;

-- Rows by status: tg_argv[0] names the counter scope, tg_argv[1] the column
-- counted, tg_argv[2] (optional) a column the count is split by first. The
-- transition tables are named new_rows / old_rows on every trigger using it.
create function app_private.ops_count_by_status()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_row  text := format('%s::text as key, %s::text as subkey',
                        pg_catalog.quote_ident(tg_argv[1]),
                        coalesce(pg_catalog.quote_ident(tg_argv[2]), $q$''$q$));
  v_rows text;
begin
  v_rows := case tg_op
    when 'INSERT' then format('select %s, 1 as d from new_rows', v_row)
    when 'DELETE' then format('select %s, -1 as d from old_rows', v_row)
    else format('select %1$s, 1 as d from new_rows union all select %1$s, -1 as d from old_rows', v_row)
  end;
  execute format(
    'insert into app_private.ops_counters as c (scope, key, subkey, shard, n)
     select $1, r.key, r.subkey, app_private.ops_shard(), sum(r.d)
       from (%s) r
      group by r.key, r.subkey
     having sum(r.d) <> 0
      order by r.key, r.subkey
     on conflict (scope, key, subkey, shard) do update set n = c.n + excluded.n', v_rows)
    using tg_argv[0];
  return null;
end
$$;

create function app_private.ops_count_deliveries()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  insert into app_private.ops_counters as c (scope, key, shard, n, last_at)
  select 'deliveries', d.event_type, app_private.ops_shard(), count(*), max(d.received_at)
    from new_rows d
   group by d.event_type
   order by d.event_type
  on conflict (scope, key, subkey, shard) do update
    set n = c.n + excluded.n, last_at = greatest(c.last_at, excluded.last_at);
  -- Stored but not applied to any email: event types the project does not count.
  insert into app_private.ops_counters as c (scope, key, shard, n)
  select 'not_applied', '', app_private.ops_shard(), count(*)
    from new_rows d
   where d.email_id is null
  having count(*) > 0
  on conflict (scope, key, subkey, shard) do update set n = c.n + excluded.n;
  insert into app_private.ops_hourly_counters as c (scope, hour, shard, n)
  select 'deliveries', pg_catalog.date_trunc('hour', d.received_at, 'UTC'), app_private.ops_shard(), count(*)
    from new_rows d
   group by 2
   order by 2
  on conflict (scope, hour, key, shard) do update set n = c.n + excluded.n;
  return null;
end
$$;
create trigger ops_count_deliveries after insert on app_private.resend_webhook_deliveries
  referencing new table as new_rows
  for each statement execute function app_private.ops_count_deliveries();

-- Opens and clicks: what an insert or update adds to the emails' counts.
create function app_private.ops_count_engagement()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_opens  bigint;
  v_clicks bigint;
begin
  if tg_op = 'INSERT' then
    select coalesce(sum(n.open_count), 0), coalesce(sum(n.click_count), 0)
      into v_opens, v_clicks
      from new_rows n;
  else
    select coalesce(sum(u.opens), 0), coalesce(sum(u.clicks), 0)
      into v_opens, v_clicks
      from (select n.open_count as opens, n.click_count as clicks from new_rows n
            union all
            select -o.open_count, -o.click_count from old_rows o) u;
  end if;
  insert into app_private.ops_counters as c (scope, key, shard, n)
  select v.scope, '', app_private.ops_shard(), v.n
    from (values ('clicks', v_clicks), ('opens', v_opens)) v(scope, n)
   where v.n <> 0
   order by v.scope
  on conflict (scope, key, subkey, shard) do update set n = c.n + excluded.n;
  return null;
end
$$;
create trigger ops_count_engagement_insert after insert on app_private.email_history
  referencing new table as new_rows
  for each statement execute function app_private.ops_count_engagement();
create trigger ops_count_engagement_update after update on app_private.email_history
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.ops_count_engagement();

-- Runs started per UTC hour, by outcome ('running' until finished). A run's
-- finish moves it from 'running' to its outcome in its start hour.
create function app_private.ops_count_runs()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into app_private.ops_hourly_counters as c (scope, hour, key, shard, n)
    select 'runs', pg_catalog.date_trunc('hour', r.started_at, 'UTC'), coalesce(r.outcome, 'running'),
           app_private.ops_shard(), count(*)
      from new_rows r
     group by 2, 3
     order by 2, 3
    on conflict (scope, hour, key, shard) do update set n = c.n + excluded.n;
  else
    insert into app_private.ops_hourly_counters as c (scope, hour, key, shard, n)
    select 'runs', u.hour, u.outcome, app_private.ops_shard(), sum(u.d)
      from (select pg_catalog.date_trunc('hour', r.started_at, 'UTC') as hour, coalesce(r.outcome, 'running') as outcome,
                   1 as d
              from new_rows r
            union all
            select pg_catalog.date_trunc('hour', r.started_at, 'UTC'), coalesce(r.outcome, 'running'), -1
              from old_rows r) u
     group by u.hour, u.outcome
    having sum(u.d) <> 0
     order by u.hour, u.outcome
    on conflict (scope, hour, key, shard) do update set n = c.n + excluded.n;
  end if;
  return null;
end
$$;
create trigger ops_count_runs_insert after insert on app_private.job_runs
  referencing new table as new_rows
  for each statement execute function app_private.ops_count_runs();
create trigger ops_count_runs_update after update on app_private.job_runs
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.ops_count_runs();

create trigger ops_count_emails_insert after insert on app_private.email_history
  referencing new table as new_rows
  for each statement execute function app_private.ops_count_by_status('emails_by_status', 'status');
create trigger ops_count_emails_update after update on app_private.email_history
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.ops_count_by_status('emails_by_status', 'status');
create trigger ops_count_emails_delete after delete on app_private.email_history
  referencing old table as old_rows
  for each statement execute function app_private.ops_count_by_status('emails_by_status', 'status');

create trigger ops_count_ledger_insert after insert on app_private.schedule_ledger
  referencing new table as new_rows
  for each statement execute function app_private.ops_count_by_status('ledger', 'campaign_id', 'status');
create trigger ops_count_ledger_update after update on app_private.schedule_ledger
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.ops_count_by_status('ledger', 'campaign_id', 'status');
create trigger ops_count_ledger_delete after delete on app_private.schedule_ledger
  referencing old table as old_rows
  for each statement execute function app_private.ops_count_by_status('ledger', 'campaign_id', 'status');

create trigger ops_count_broadcasts_insert after insert on app_private.broadcasts
  referencing new table as new_rows
  for each statement execute function app_private.ops_count_by_status('broadcasts', 'send_status');
create trigger ops_count_broadcasts_update after update on app_private.broadcasts
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.ops_count_by_status('broadcasts', 'send_status');
create trigger ops_count_broadcasts_delete after delete on app_private.broadcasts
  referencing old table as old_rows
  for each statement execute function app_private.ops_count_by_status('broadcasts', 'send_status');

create trigger ops_count_deletions_insert after insert on app_private.user_deletions
  referencing new table as new_rows
  for each statement execute function app_private.ops_count_by_status('deletions', 'status');
create trigger ops_count_deletions_update after update on app_private.user_deletions
  referencing old table as old_rows new table as new_rows
  for each statement execute function app_private.ops_count_by_status('deletions', 'status');
create trigger ops_count_deletions_delete after delete on app_private.user_deletions
  referencing old table as old_rows
  for each statement execute function app_private.ops_count_by_status('deletions', 'status');

-- The ledger rows the page lists (uncertain, or intermediate and maybe
-- stuck): a partial index holding only those, so the list costs the same
-- whatever number of settled rows the ledger keeps.
create index schedule_ledger_unsettled on app_private.schedule_ledger (updated_at)
  where status in ('uncertain', 'creating', 'updating', 'cancelling');
-- maintenance_prune walks deliveries and sightings oldest first. (job_runs
-- gets no index on started_at alone: the planner would take it for the
-- page's "last 10 runs of a job" and walk every other job's runs to find a
-- rare job's ten; both read job_runs per job through (job, started_at desc).)
create index resend_webhook_deliveries_received_at on app_private.resend_webhook_deliveries (received_at);
create index braze_orphan_sightings_last_seen_at on app_private.braze_orphan_sightings (last_seen_at);


-- ---------------------------------------------------------------------------
-- Retention, one bounded batch per call, for the maintenance function (which
-- loops under its lease). Short transactions: no batch holds locks for long,
-- and rows another transaction is writing are skipped, not waited for.
--   job_runs            runs started before now() - p_older_than that are
--                       finished, or unfinished with no live lease on their
--                       token (crashed); never the latest run of a job;
--   webhook_deliveries  delivery records received before now() - p_older_than
--                       (keep this longer than the provider's retry horizon,
--                       or a late redelivery is applied twice); the email's
--                       counts and its clicks stay;
--   counter_hours       hour buckets of ops_hourly_counters (the page reads 25);
--   orphan_sightings    braze_orphan_sightings not seen since then: reconcile
--                       forgets an orphan it no longer sees only when it lists
--                       the campaign's schedules (BRAZE_LISTING) and only for
--                       the campaign it runs for, so a retired campaign's or a
--                       listing-less project's sightings would stay forever;
--                       an orphan still there is sighted again, and its grace
--                       period starts over (the cautious side);
--   ledger_history      schedule_ledger rows whose push went out (sent) or
--                       that will never send (cancelled), by send time, with
--                       their guard attempts (on delete cascade); a live or
--                       unresolved row is never pruned. Nothing writes such
--                       a row again, and the guard is asked about a key only
--                       around its send time (minutes), so a key of a pruned
--                       row, asked at all, is refused as unknown: the safe side;
--   cron_run_details    cron.job_run_details, where pg_cron exists.
-- Returns the number of rows removed.
-- ---------------------------------------------------------------------------
create function public.maintenance_prune(p_lease text, p_token bigint, p_what text, p_older_than interval, p_limit integer)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_before timestamptz;
  v_n      integer := 0;
begin
  -- Guard: bounded work per call and no retention shorter than an hour.
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception using errcode = 'PT400', hint = 'invalid_input', message = 'maintenance_prune: limit must be 1..10000';
  end if;
  if p_older_than is null or p_older_than < interval '1 hour' then
    raise exception using errcode = 'PT400', hint = 'invalid_input', message = 'maintenance_prune: older_than must be at least 1 hour';
  end if;
  -- Guard: only the live lease holder prunes; a stale run changes nothing.
  perform app_private.assert_job_lease(p_job => p_lease, p_token => p_token);
  v_before := now() - p_older_than;

  if p_what = 'job_runs' then
    delete from app_private.job_runs r
     where r.id in (
       with recursive job_names(job) as (
           -- Loose index scan of (job, started_at desc): one probe per job
           -- instead of a scan of the whole history. Written out here, not
           -- as a helper function: a function with its own search_path is
           -- never inlined, and calling one cost more than the whole page.
           (select r.job from app_private.job_runs r order by r.job limit 1)
           union all
           select (select r.job from app_private.job_runs r where r.job > j.job order by r.job limit 1)
             from job_names j where j.job is not null
         )
       select p.id
         from job_names jobs
         cross join lateral (
           select o.id from app_private.job_runs o
            where o.job = jobs.job
              and o.started_at < v_before
              and (o.finished_at is not null
                   or not exists (select from app_private.job_leases l
                                   where l.job = o.lease and l.token = o.fencing_token and l.expires_at > now()))
              and exists (select from app_private.job_runs n where n.job = o.job and n.started_at > o.started_at)
            order by o.started_at
            limit p_limit
              for update skip locked) p
        where jobs.job is not null
        limit p_limit);
  elsif p_what = 'webhook_deliveries' then
    delete from app_private.resend_webhook_deliveries d
     where d.svix_id in (
       select o.svix_id from app_private.resend_webhook_deliveries o
        where o.received_at < v_before
        order by o.received_at
        limit p_limit
          for update skip locked);
  elsif p_what = 'counter_hours' then
    delete from app_private.ops_hourly_counters c
     where (c.scope, c.hour, c.key, c.shard) in (
       select o.scope, o.hour, o.key, o.shard from app_private.ops_hourly_counters o
        where o.hour < pg_catalog.date_trunc('hour', v_before, 'UTC')
        order by o.hour
        limit p_limit
          for update skip locked);
  elsif p_what = 'orphan_sightings' then
    delete from app_private.braze_orphan_sightings s
     where (s.campaign_id, s.schedule_id) in (
       select o.campaign_id, o.schedule_id from app_private.braze_orphan_sightings o
        where o.last_seen_at < v_before
        order by o.last_seen_at
        limit p_limit
          for update skip locked);
  elsif p_what = 'ledger_history' then
    -- Guard: only history is pruned; a row that owns or may own a Braze
    -- schedule (scheduled, failed, between states) stays whatever its age.
    delete from app_private.schedule_ledger l
     where l.id in (
       select o.id from app_private.schedule_ledger o
        where o.status in ('cancelled', 'sent')
          and o.send_at < v_before
        order by o.send_at
        limit p_limit
          for update skip locked);
  elsif p_what = 'cron_run_details' then
    if pg_catalog.to_regclass('cron.job_run_details') is null then
      return 0;
    end if;
    execute 'delete from cron.job_run_details where runid in (
               select runid from cron.job_run_details where end_time < $1 order by end_time limit $2)'
      using v_before, p_limit;
  else
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('maintenance_prune: nothing called %s to prune', p_what);
  end if;
  get diagnostics v_n = row_count;
  return v_n;
end
$$;

-- What one call costs, and why it is written this way (measured with the
-- bench's simulated month, one backend's on-CPU time per call, loops of 300):
--   * PL/pgSQL, not LANGUAGE sql. A SQL function that is not inlined (this
--     one is security definer with its own search_path, so never) is parsed
--     and planned again on every call before PostgreSQL 18 (commit 0dca5d6,
--     "Change SQL-language functions to use the plan cache", is 18's), and
--     supabase/config.toml pins major_version 15. On 15.18 the LANGUAGE sql
--     version cost 2.4 ms a call on an EMPTY database, nearly all of it
--     planning. PL/pgSQL prepares each statement on its first run and keeps
--     the plan for the session
--     (https://www.postgresql.org/docs/15/plpgsql-implementation.html#PLPGSQL-PLAN-CACHING);
--     the statement has no parameters, so it is a generic plan from the first
--     call: 0.12 ms empty and 0.43 ms with a full page on 15.18.
--   * json, not jsonb. The answer is built once and sent once as text: json
--     values are text appended as they are built, while every jsonb level is
--     converted into binary and walked again when nested into the next one
--     and once more on output (https://www.postgresql.org/docs/current/datatype-json.html).
--     The full page (50 runs, 48 hour buckets) went from 1.2-1.4 ms to
--     0.6-0.7 ms on 18 with the same content. (json keeps keys in the order
--     written where jsonb sorted them; every reader looks keys up by name.)
--   * The long lists aggregate their rows as they are (json_agg(r)): one
--     output call per value, no per-row object built and copied.
-- What is left when the history is full is the page itself: serializing its
-- ~650 values (runs, hour buckets) costs about as much as the rest of the
-- call. bench/ops.ts shows it: a database holding a single day (the same
-- full page) costs what a year does. Measured on 18.4 (auto_explain with
-- buffers; the backend's CPU per call from /proc/<pid>/schedstat, 1,000
-- calls; perf on the backend):
--   * the history's only trace is the height of job_runs (job, started_at
--     desc): 2.6 million runs make its 11 descents (6 for the job names, 5
--     for each job's ten) one level deeper, 71 buffer hits a call against 43
--     for a day, about 0.07 ms (year 0.87 ms, a day 0.80 ms). Ten million
--     deliveries and two million emails add nothing (0.63-0.68 ms against a
--     day's 0.64-0.77 in the same server): no statement here reads them.
--   * pruned by maintenance (365 days, 3 million deliveries: job_runs 2.6
--     million -> 216,000, the hour rows 26,000 -> 148 left on 220 heap
--     pages) a call touches 75 buffers: the hour rows are still read
--     through the primary key (5 buffers each, the empty heap pages are
--     never visited) and job_runs' index after 2.4 million deletes and a
--     VACUUM costs what it did. Timed right after the deletes it looked
--     slower (1.04 ms CPU against 0.97 unpruned) only while the
--     checkpointer wrote the deletes out: 0.73 ms after a CHECKPOINT.
--   * a full page costs 2-2.5 times an empty one in CPU (0.70-0.80 ms
--     against 0.25-0.35): the 50 runs' json 0.25-0.3 ms (composite_to_json
--     and its per-column type lookups), the 48 hour buckets about 0.1 ms;
--     setting up the plan's ~100 nodes (a fifth of a call) is paid empty or
--     full.
create function public.ops_status_snapshot()
returns json
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (
  with params as (
    select now() as at, interval '10 minutes' as stuck_after
  ),
  -- Loose index scan over job_runs (job, started_at desc): one probe per job
  -- instead of a scan of the whole history to find the distinct job names.
  jobs as (
    with recursive j(job) as (
      (select r.job from app_private.job_runs r order by r.job limit 1)
      union all
      select (select r.job from app_private.job_runs r where r.job > j.job order by r.job limit 1)
        from j where j.job is not null
    )
    select job from j where job is not null
  ),
  -- Only the columns a page or the terminal summary shows (RunRow in
  -- src/shared/data/operations.ts): the 50 rows are turned into json column
  -- by column (composite_to_json looks up each column's output function for
  -- every row), and a run's id, lease name and fencing token are read here
  -- for lease_live but shown nowhere.
  last_runs as (
    select r.*
      from jobs
      cross join lateral (
        select r.job, r.holder, r.started_at, r.finished_at,
               r.outcome, r.counts, left(r.error, 500) as error,
               -- Unfinished runs: still running while their lease is live;
               -- a crashed run keeps finished_at null after its lease lapsed.
               -- (numeric to bigint rounds half away from zero, as round() would.)
               (extract(epoch from (coalesce(r.finished_at, (select at from params)) - r.started_at)) * 1000)::bigint
                 as duration_ms,
               exists (select 1 from app_private.job_leases l
                        where l.job = r.lease and l.token = r.fencing_token and l.expires_at > (select at from params))
                 as lease_live
          from app_private.job_runs r
         where r.job = jobs.job
         order by r.started_at desc
         limit 10
      ) r
  ),
  -- The chart's 24 UTC hours, the current one last. A primary-key range
  -- with both ends, written with now() (the same instant as params.at: one
  -- transaction) rather than through params: a value from another CTE is
  -- unknown when the plan is made, the planner then guesses a third of the
  -- table for an open-ended range, and with a year of hours not yet pruned
  -- the cached plan was a sequential scan of all of them on every call.
  -- Each bound is a scalar subquery, computed once per call: written bare,
  -- date_trunc(..., 'UTC') is stable, not immutable, so a sequential scan
  -- (the plan for a small table, a day's ~75 rows) evaluated it twice for
  -- every row (backend CPU per call, bench/ops.ts --days 2: a day's full
  -- page 2.25-2.29x an empty one, 1.90-2.03x with the bounds computed once;
  -- two runs each on a loaded machine). Two unknown bounds are a closed range, which
  -- the planner estimates at 0.5% of the rows (DEFAULT_RANGE_INEQ_SEL), so a
  -- year of 26,000 hour rows is still read through the primary key (seen
  -- with auto_explain: Bitmap Index Scan on ops_hourly_counters_pkey).
  hourly as (
    select c.hour, c.key as outcome, sum(c.n) as runs
      from app_private.ops_hourly_counters c
     where c.scope = 'runs'
       and c.hour between (select pg_catalog.date_trunc('hour', now(), 'UTC') - interval '23 hours')
                      and (select pg_catalog.date_trunc('hour', now(), 'UTC'))
     group by 1, 2
    having sum(c.n) <> 0
  ),
  attention as (
    select l.id, l.campaign_id, l.match_id, l.status, l.uncertain_op, l.version, l.attempt_id,
           l.braze_schedule_id, l.send_at, l.updated_at, left(l.last_error, 500) as last_error,
           case when l.status = 'uncertain' then 'uncertain' else 'stuck' end as reason
      from app_private.schedule_ledger l
     where l.status = 'uncertain'
        or (l.status in ('creating', 'updating', 'cancelling')
            and l.updated_at <= (select at - stuck_after from params))
     order by l.updated_at
     limit 200
  ),
  in_flight_broadcasts as (
    select b.id, b.subject, b.send_status, b.pending_action, b.previous_status, b.pending_publish_at,
           b.attempts, left(b.last_error, 500) as last_error, b.updated_at,
           b.updated_at <= (select at - stuck_after from params) as due
      from app_private.broadcasts b
     where b.send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling', 'uncertain', 'unresolved')
     order by b.updated_at
     limit 200
  ),
  -- The saga's email is personal data on its way to being erased: not shown.
  pending_deletions as (
    select d.user_id, d.status, d.steps, d.attempts, d.next_attempt_at, left(d.last_error, 500) as last_error,
           d.claimed_until, d.requested_by, d.requested_at, d.updated_at
      from app_private.user_deletions d
     where d.status in ('in_progress', 'compensating')
     order by d.next_attempt_at
     limit 200
  )
  select json_build_object(
    'generated_at', (select at from params),
    'stuck_after_seconds', (select extract(epoch from stuck_after)::integer from params),
    'leases', (
      select coalesce(json_agg(json_build_object(
               'job', l.job, 'holder', l.holder, 'token', l.token, 'acquired_at', l.acquired_at,
               'expires_at', l.expires_at, 'live', l.expires_at > (select at from params))
             order by l.job), '[]'::json)
        from app_private.job_leases l),
    'runs', (
      select coalesce(json_agg(r order by r.job, r.started_at desc), '[]'::json)
        from last_runs r),
    'runs_per_hour', (
      select coalesce(json_agg(h order by h.hour, h.outcome), '[]'::json)
        from hourly h),
    'ledger', json_build_object(
      'by_status', (
        select coalesce(json_agg(json_build_object('campaign_id', s.campaign_id, 'status', s.status, 'rows', s.n)
               order by s.campaign_id, s.status), '[]'::json)
          from (select c.key as campaign_id, c.subkey as status, sum(c.n) as n from app_private.ops_counters c
                 where c.scope = 'ledger' group by 1, 2 having sum(c.n) <> 0) s),
      'attention', (select coalesce(json_agg(a order by a.updated_at), '[]'::json) from attention a)
    ),
    'webhooks', json_build_object(
      'deliveries', (select coalesce(sum(c.n), 0) from app_private.ops_counters c where c.scope = 'deliveries'),
      -- Counted in whole UTC hours: the hour that began 24 h ago through now.
      'deliveries_24h', (
        select coalesce(sum(c.n), 0) from app_private.ops_hourly_counters c
         where c.scope = 'deliveries'
           and c.hour between (select pg_catalog.date_trunc('hour', now() - interval '24 hours', 'UTC'))
                          and (select pg_catalog.date_trunc('hour', now(), 'UTC'))),
      'last_received_at', (select max(c.last_at) from app_private.ops_counters c where c.scope = 'deliveries'),
      'by_event_type', (
        select coalesce(json_agg(json_build_object('event_type', e.key, 'deliveries', e.n, 'last_received_at', e.last_at)
               order by e.key), '[]'::json)
          from (select c.key, sum(c.n) as n, max(c.last_at) as last_at
                  from app_private.ops_counters c where c.scope = 'deliveries' group by 1) e),
      -- Stored but not applied to any email: event types we do not count yet.
      'not_applied', (select coalesce(sum(c.n), 0) from app_private.ops_counters c where c.scope = 'not_applied'),
      'emails_by_status', (
        select coalesce(json_agg(json_build_object('status', e.key, 'emails', e.n) order by e.key), '[]'::json)
          from (select c.key, sum(c.n) as n from app_private.ops_counters c
                 where c.scope = 'emails_by_status' group by 1 having sum(c.n) <> 0) e),
      'opens', (select coalesce(sum(c.n), 0) from app_private.ops_counters c where c.scope = 'opens'),
      'clicks', (select coalesce(sum(c.n), 0) from app_private.ops_counters c where c.scope = 'clicks'),
      -- Deliveries refused before storage (bad signature, stale timestamp,
      -- malformed body) leave no row anywhere: the function answers 4xx and
      -- logs one JSON line. null says "not recorded", not "zero".
      'rejected', null
    ),
    'broadcasts', json_build_object(
      'by_status', (
        select coalesce(json_agg(json_build_object('status', s.send_status, 'broadcasts', s.n) order by s.send_status), '[]'::json)
          from (select c.key as send_status, sum(c.n) as n from app_private.ops_counters c
                 where c.scope = 'broadcasts' group by 1 having sum(c.n) <> 0) s),
      'in_flight', (select coalesce(json_agg(b order by b.updated_at), '[]'::json) from in_flight_broadcasts b)
    ),
    'deletions', json_build_object(
      'by_status', (
        select coalesce(json_agg(json_build_object('status', s.status, 'sagas', s.n) order by s.status), '[]'::json)
          from (select c.key as status, sum(c.n) as n from app_private.ops_counters c
                 where c.scope = 'deletions' group by 1 having sum(c.n) <> 0) s),
      'pending', (select coalesce(json_agg(d order by d.next_attempt_at), '[]'::json) from pending_deletions d)
    ),
    'cron', (
      select coalesce(json_agg(json_build_object('name', c.name, 'schedule', c.schedule, 'function_name', c.function_name)
             order by c.name), '[]'::json)
        from app_private.cron_schedules c)
  ));
end
$$;

comment on function public.ops_status_snapshot() is
  'Everything the ops-status page shows, in one read-only round trip. Bounded lists; stuck = intermediate for 10 minutes.';
