-- The operations page's data: everything /functions/v1/ops-status shows, read
-- in ONE round trip and one snapshot (a single SQL statement sees one MVCC
-- snapshot, so a lease and the run holding it cannot disagree on the page).
--
-- Read-only: like every entry point it runs as its owner (no API role can
-- read app_private), and it writes nothing. Every list is bounded, so a
-- history of millions of runs or deliveries still renders a page of known size.
--
-- "Stuck" means: in an intermediate state and not touched for 10 minutes.
-- Ten minutes is the broadcasts resolver's default grace period
-- (BROADCASTS_RESOLVE_GRACE_SECONDS=600) and twice an edge function's
-- wall-clock limit on the hosted platform (150-400 s), so a row older than
-- that is no longer in the hands of the request that began it.

-- ---------------------------------------------------------------------------
-- Counters, so the snapshot's cost does not grow with the history. Counting
-- millions of deliveries on every page load took time proportional to them;
-- these rows are maintained by triggers, in the same transaction as the write
-- they count, so they are exact (a rolled-back write rolls its count back).
-- Each writer adds to one of 16 shards picked by its backend, so concurrent
-- webhooks do not queue on one hot counter row; a reader sums the shards.
-- Deliveries and engagement are counted as received: pruning old delivery
-- rows (retention) does not lower them.
-- ---------------------------------------------------------------------------
create table app_private.ops_counters (
  scope   text not null,
  key     text not null,
  shard   smallint not null check (shard between 0 and 15),
  n       bigint not null default 0,
  last_at timestamptz,
  primary key (scope, key, shard)
);
comment on table app_private.ops_counters is
  'Exact counters for ops_status_snapshot(), maintained by triggers in the writing transaction; sum over shard.';
alter table app_private.ops_counters enable row level security;

create function app_private.ops_count(p_scope text, p_key text, p_delta bigint, p_at timestamptz default null)
returns void
language sql
volatile
set search_path = ''
as $$
  insert into app_private.ops_counters as c (scope, key, shard, n, last_at)
  values (p_scope, p_key, (pg_catalog.pg_backend_pid() % 16)::smallint, p_delta, p_at)
  on conflict (scope, key, shard) do update
    set n = c.n + excluded.n, last_at = greatest(c.last_at, excluded.last_at)
$$;

create function app_private.ops_count_delivery()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  perform app_private.ops_count('deliveries', new.event_type, 1, new.received_at);
  -- Hour buckets, for "last 24 h" without a range scan over a day of rows.
  perform app_private.ops_count('deliveries_by_hour', to_char(date_trunc('hour', new.received_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24'), 1);
  if new.email_id is null then
    perform app_private.ops_count('not_applied', '', 1);
  end if;
  return null;
end
$$;
create trigger ops_count_delivery after insert on app_private.resend_webhook_deliveries
  for each row execute function app_private.ops_count_delivery();

create function app_private.ops_count_email()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and (tg_op = 'DELETE' or old.status is distinct from new.status) then
    perform app_private.ops_count('emails_by_status', old.status, -1);
  end if;
  if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or old.status is distinct from new.status) then
    perform app_private.ops_count('emails_by_status', new.status, 1);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    if new.open_count <> coalesce(case when tg_op = 'UPDATE' then old.open_count end, 0) then
      perform app_private.ops_count('opens', '', new.open_count - coalesce(case when tg_op = 'UPDATE' then old.open_count end, 0));
    end if;
    if new.click_count <> coalesce(case when tg_op = 'UPDATE' then old.click_count end, 0) then
      perform app_private.ops_count('clicks', '', new.click_count - coalesce(case when tg_op = 'UPDATE' then old.click_count end, 0));
    end if;
  end if;
  return null;
end
$$;
create trigger ops_count_email after insert or update or delete on app_private.email_history
  for each row execute function app_private.ops_count_email();

-- The snapshot's runs per hour filter job_runs on started_at alone, which the
-- (job, started_at) index cannot serve.
create index job_runs_started_at on app_private.job_runs (started_at);
-- max(received_at) for "last delivery".
create index resend_webhook_deliveries_received_at on app_private.resend_webhook_deliveries (received_at);

-- ---------------------------------------------------------------------------
-- Retention, one bounded batch per call, for the maintenance function (which
-- loops under its lease). Short transactions: no batch holds locks for long,
-- and rows another transaction is writing are skipped, not waited for.
--   job_runs            finished runs started before now() - p_older_than,
--                       never the latest run of a job;
--   webhook_deliveries  delivery records received before now() - p_older_than
--                       (keep this longer than the provider's retry horizon,
--                       or a late redelivery is applied twice); the email's
--                       counts and its clicks stay;
--   delivery_hours      hour buckets of the "last 24 h" counter;
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
       select o.id from app_private.job_runs o
        where o.started_at < v_before and o.finished_at is not null
          and exists (select 1 from app_private.job_runs n where n.job = o.job and n.started_at > o.started_at)
        order by o.started_at
        limit p_limit
          for update skip locked);
  elsif p_what = 'webhook_deliveries' then
    delete from app_private.resend_webhook_deliveries d
     where d.svix_id in (
       select o.svix_id from app_private.resend_webhook_deliveries o
        where o.received_at < v_before
        order by o.received_at
        limit p_limit
          for update skip locked);
  elsif p_what = 'delivery_hours' then
    delete from app_private.ops_counters c
     where c.scope = 'deliveries_by_hour'
       and c.key < to_char(date_trunc('hour', v_before at time zone 'UTC'), 'YYYY-MM-DD"T"HH24');
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

create function public.ops_status_snapshot()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
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
  last_runs as (
    select r.*
      from jobs
      cross join lateral (
        select r.id, r.job, r.lease, r.holder, r.fencing_token, r.started_at, r.finished_at,
               r.outcome, r.counts, left(r.error, 500) as error,
               -- Unfinished runs: still running while their lease is live;
               -- a crashed run keeps finished_at null after its lease lapsed.
               round(extract(epoch from (coalesce(r.finished_at, (select at from params)) - r.started_at)) * 1000)::bigint
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
  hourly as (
    select date_trunc('hour', r.started_at) as hour, coalesce(r.outcome, 'running') as outcome, count(*) as runs
      from app_private.job_runs r
     where r.started_at > (select at from params) - interval '24 hours'
     group by 1, 2
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
  select jsonb_build_object(
    'generated_at', (select at from params),
    'stuck_after_seconds', (select extract(epoch from stuck_after)::integer from params),
    'leases', (
      select coalesce(jsonb_agg(jsonb_build_object(
               'job', l.job, 'holder', l.holder, 'token', l.token, 'acquired_at', l.acquired_at,
               'expires_at', l.expires_at, 'live', l.expires_at > (select at from params))
             order by l.job), '[]'::jsonb)
        from app_private.job_leases l),
    'runs', (
      select coalesce(jsonb_agg(to_jsonb(r) order by r.job, r.started_at desc), '[]'::jsonb)
        from last_runs r),
    'runs_per_hour', (
      select coalesce(jsonb_agg(jsonb_build_object('hour', h.hour, 'outcome', h.outcome, 'runs', h.runs)
             order by h.hour, h.outcome), '[]'::jsonb)
        from hourly h),
    'ledger', jsonb_build_object(
      'by_status', (
        select coalesce(jsonb_agg(jsonb_build_object('campaign_id', s.campaign_id, 'status', s.status, 'rows', s.n)
               order by s.campaign_id, s.status), '[]'::jsonb)
          from (select campaign_id, status, count(*) as n from app_private.schedule_ledger group by 1, 2) s),
      'attention', (select coalesce(jsonb_agg(to_jsonb(a) order by a.updated_at), '[]'::jsonb) from attention a)
    ),
    'webhooks', jsonb_build_object(
      'deliveries', (select coalesce(sum(c.n), 0) from app_private.ops_counters c where c.scope = 'deliveries'),
      -- Counted in whole UTC hours: the hour that began 24 h ago through now.
      'deliveries_24h', (
        select coalesce(sum(c.n), 0) from app_private.ops_counters c
         where c.scope = 'deliveries_by_hour'
           and c.key >= to_char(date_trunc('hour', ((select at from params) - interval '24 hours') at time zone 'UTC'), 'YYYY-MM-DD"T"HH24')),
      'last_received_at', (select max(d.received_at) from app_private.resend_webhook_deliveries d),
      'by_event_type', (
        select coalesce(jsonb_agg(jsonb_build_object('event_type', e.key, 'deliveries', e.n, 'last_received_at', e.last_at)
               order by e.key), '[]'::jsonb)
          from (select c.key, sum(c.n) as n, max(c.last_at) as last_at
                  from app_private.ops_counters c where c.scope = 'deliveries' group by 1) e),
      -- Stored but not applied to any email: event types we do not count yet.
      'not_applied', (select coalesce(sum(c.n), 0) from app_private.ops_counters c where c.scope = 'not_applied'),
      'emails_by_status', (
        select coalesce(jsonb_agg(jsonb_build_object('status', e.key, 'emails', e.n) order by e.key), '[]'::jsonb)
          from (select c.key, sum(c.n) as n from app_private.ops_counters c
                 where c.scope = 'emails_by_status' group by 1 having sum(c.n) <> 0) e),
      'opens', (select coalesce(sum(c.n), 0) from app_private.ops_counters c where c.scope = 'opens'),
      'clicks', (select coalesce(sum(c.n), 0) from app_private.ops_counters c where c.scope = 'clicks'),
      -- Deliveries refused before storage (bad signature, stale timestamp,
      -- malformed body) leave no row anywhere: the function answers 4xx and
      -- logs one JSON line. null says "not recorded", not "zero".
      'rejected', null
    ),
    'broadcasts', jsonb_build_object(
      'by_status', (
        select coalesce(jsonb_agg(jsonb_build_object('status', s.send_status, 'broadcasts', s.n) order by s.send_status), '[]'::jsonb)
          from (select send_status, count(*) as n from app_private.broadcasts group by 1) s),
      'in_flight', (select coalesce(jsonb_agg(to_jsonb(b) order by b.updated_at), '[]'::jsonb) from in_flight_broadcasts b)
    ),
    'deletions', jsonb_build_object(
      'by_status', (
        select coalesce(jsonb_agg(jsonb_build_object('status', s.status, 'sagas', s.n) order by s.status), '[]'::jsonb)
          from (select status, count(*) as n from app_private.user_deletions group by 1) s),
      'pending', (select coalesce(jsonb_agg(to_jsonb(d) order by d.next_attempt_at), '[]'::jsonb) from pending_deletions d)
    ),
    'cron', (
      select coalesce(jsonb_agg(jsonb_build_object('name', c.name, 'schedule', c.schedule, 'function_name', c.function_name)
             order by c.name), '[]'::jsonb)
        from app_private.cron_schedules c)
  );
$$;

comment on function public.ops_status_snapshot() is
  'Everything the ops-status page shows, in one read-only round trip. Bounded lists; stuck = intermediate for 10 minutes.';
