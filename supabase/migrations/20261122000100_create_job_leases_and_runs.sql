-- Where everything lives, and who may touch it. Stated once, here, for every
-- migration after this one.
--
-- Schema app_private holds every table, sequence and internal helper. PostgREST
-- exposes only the schemas in supabase/config.toml's [api] schemas (public), so
-- nothing in app_private is reachable through the API at all, whatever grant
-- might slip in later; objects left in public are one grant away from every
-- anon caller. Job queues built on Postgres do the same: pgflow keeps its
-- tables and functions in schema pgflow, graphile-worker its tables in
-- graphile_worker._private_*.
--
-- public keeps only (a) the entry points the edge functions call by RPC, each
-- `security definer` so it writes app_private as its owner, and (b) the tables
-- a signed-in user reads under row level security (managed_calendars and its
-- revisions, granted beside their policies).
--
-- The rule: tables are written only by the project's functions. No API role
-- (anon, authenticated, service_role) holds a write privilege on any table,
-- nor usage on app_private; service_role reaches the data only through the
-- entry points, so "written only through the ... functions" is enforced by the
-- catalogue, not by convention. tests/security/ checks all of it.
--
-- Supabase's default privileges grant ALL on every table, sequence and
-- function created in public to anon, authenticated and service_role
-- (supabase/postgres, migrations/db/init-scripts/00000000000000-initial-schema.sql:
-- "alter default privileges in schema public grant all on tables ... to
-- postgres, anon, authenticated, service_role", and the same for functions and
-- sequences), and Postgres grants EXECUTE on every new function to PUBLIC.
-- The statements below take that back for whatever this role creates from now
-- on, so no migration repeats a revoke/grant block per object:
--   * no EXECUTE for PUBLIC on any new function (global: Postgres adds
--     per-schema defaults to the global ones and cannot revoke a global
--     grant per schema);
--   * in public, functions are executable by service_role only (it keeps
--     Supabase's grant), tables and sequences get no grant at all.
--   * app_private has no usage for any API role, so its objects need none.

create schema app_private;
comment on schema app_private is
  'Tables, sequences and internal helpers. Not exposed by PostgREST; no API role has usage. Reached only through the security definer entry points in public.';

alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke all on functions from anon, authenticated;
alter default privileges in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges in schema public revoke all on sequences from anon, authenticated, service_role;

-- Leases with fencing tokens, and the run history every job writes.
--
-- Why a lease row and not a session advisory lock: supabase.rpc() goes through
-- PostgREST, which runs every request as its own transaction on a pooled
-- connection. A session-level pg_try_advisory_lock would stay on whichever
-- backend served the call and the unlock could land on another backend
-- (Supavisor's transaction mode does the same). So the lock is a row whose
-- claim is decided by the database's clock, and every protected write carries
-- the fencing token it was granted (Kleppmann, "How to do distributed locking",
-- 2016: a lease alone cannot stop a paused holder from writing after expiry).

create table app_private.job_leases (
  job         text primary key check (length(job) between 1 and 200),
  holder      text not null check (length(holder) between 1 and 200),
  token       bigint not null,
  acquired_at timestamptz not null,
  expires_at  timestamptz not null
);
comment on table app_private.job_leases is
  'One row per lease name. Free when absent or expired (database clock). token is the fencing token of the live holder.';

-- Strictly increasing across all holders and all lease names: a newer holder
-- always has a larger token than any older one.
create sequence app_private.job_lease_token_seq as bigint;

alter table app_private.job_leases enable row level security;

create table app_private.job_runs (
  id            uuid primary key default gen_random_uuid(),
  job           text not null,
  lease         text not null,
  holder        text not null,
  fencing_token bigint,
  started_at    timestamptz not null default now(),
  finished_at   timestamptz,
  outcome       text check (outcome in ('completed', 'failed', 'locked', 'lease_lost')),
  counts        jsonb not null default '{}'::jsonb,
  error         text,
  -- An unfinished run has no outcome; a finished one always has.
  constraint job_runs_outcome_iff_finished check ((finished_at is null) = (outcome is null))
);
comment on table app_private.job_runs is
  'Run history. A row is written when a run starts and finished when it ends, so a crashed run stays visible with finished_at null.';
create index job_runs_job_started_at on app_private.job_runs (job, started_at desc);

alter table app_private.job_runs enable row level security;

-- ---------------------------------------------------------------------------
-- Guard: every typed error the project raises uses a PostgREST-style SQLSTATE
-- PTxxx (PostgREST answers it with HTTP status xxx) and puts a machine-readable
-- kind in HINT. Both Db adapters map (code, hint) to the same typed error.
-- ---------------------------------------------------------------------------

create function app_private.acquire_job_lease(p_job text, p_holder text, p_ttl_seconds integer)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_token      bigint;
  v_expires_at timestamptz;
begin
  if p_job is null or p_holder is null or p_ttl_seconds is null
     or p_ttl_seconds not between 1 and 3600 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('acquire_job_lease: job and holder are required and ttl must be 1..3600 s (got %s)', p_ttl_seconds);
  end if;

  -- Guard: non-blocking. A concurrent acquirer of the same name is mid-claim;
  -- rather than queue behind it (and pile up PostgREST connections), report
  -- busy. Transaction-scoped, so it is released by the commit whatever pooled
  -- backend served this call.
  if not pg_try_advisory_xact_lock(hashtextextended('job_lease:' || p_job, 0)) then
    return null;
  end if;

  -- Guard: claim only a free or expired lease, judged by the database clock so
  -- that callers' clock skew cannot let two holders believe they are live.
  insert into app_private.job_leases as l (job, holder, token, acquired_at, expires_at)
  values (p_job, p_holder, nextval('app_private.job_lease_token_seq'), now(),
          now() + make_interval(secs => p_ttl_seconds))
  on conflict (job) do update
    set holder = excluded.holder,
        token = excluded.token,
        acquired_at = excluded.acquired_at,
        expires_at = excluded.expires_at
    where l.expires_at <= now()
  returning l.token, l.expires_at into v_token, v_expires_at;

  if v_token is null then
    return null;
  end if;
  -- The database's now goes back with the expiry, so the holder can track
  -- how long it has left on its own clock without trusting clock sync.
  return jsonb_build_object('token', v_token, 'expires_at', v_expires_at, 'now', now());
end;
$$;

create function app_private.assert_job_lease(p_job text, p_token bigint)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  -- Guard: fencing. FOR SHARE makes a concurrent acquire (an UPDATE of this
  -- row) wait until the fenced write commits, so "checked live, then someone
  -- else took over, then we wrote" cannot happen inside one transaction.
  perform 1
    from app_private.job_leases
   where job = p_job and token = p_token and expires_at > now()
     for share;
  if not found then
    raise exception using errcode = 'PT409', hint = 'lease_lost',
      message = format('lease lost: token %s is not the live lease of %s', p_token, p_job);
  end if;
end;
$$;

create function public.renew_job_lease(p_job text, p_token bigint, p_ttl_seconds integer)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_expires_at timestamptz;
begin
  if p_ttl_seconds is null or p_ttl_seconds not between 1 and 3600 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('renew_job_lease: ttl must be 1..3600 s (got %s)', p_ttl_seconds);
  end if;

  -- Guard: only the live holder renews, and never an expired lease: once it
  -- has lapsed another run may already have acted on the assumption it is free.
  update app_private.job_leases
     set expires_at = now() + make_interval(secs => p_ttl_seconds)
   where job = p_job and token = p_token and expires_at > now()
  returning expires_at into v_expires_at;

  if v_expires_at is null then
    raise exception using errcode = 'PT409', hint = 'lease_lost',
      message = format('lease lost: token %s is not the live lease of %s', p_token, p_job);
  end if;
  return jsonb_build_object('token', p_token, 'expires_at', v_expires_at, 'now', now());
end;
$$;

create function app_private.release_job_lease(p_job text, p_token bigint)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_released boolean;
begin
  -- Guard: releasing someone else's lease is a no-op, not an error: a run
  -- that outlived its lease must not free its successor's.
  delete from app_private.job_leases where job = p_job and token = p_token;
  v_released := found;
  return jsonb_build_object('released', v_released);
end;
$$;

create function public.begin_job_run(p_job text, p_lease text, p_holder text, p_ttl_seconds integer)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_lease  jsonb;
  v_run_id uuid;
begin
  -- One round trip: take the lease and record the run. A run that finds the
  -- lease taken is recorded too (outcome locked), so the history explains
  -- every invocation, not only the ones that did work.
  v_lease := app_private.acquire_job_lease(p_lease, p_holder, p_ttl_seconds);

  if v_lease is null then
    insert into app_private.job_runs (job, lease, holder, finished_at, outcome)
    values (p_job, p_lease, p_holder, now(), 'locked')
    returning id into v_run_id;
    return jsonb_build_object('run_id', v_run_id, 'acquired', false);
  end if;

  insert into app_private.job_runs (job, lease, holder, fencing_token)
  values (p_job, p_lease, p_holder, (v_lease ->> 'token')::bigint)
  returning id into v_run_id;
  return jsonb_build_object('run_id', v_run_id, 'acquired', true) || v_lease;
end;
$$;

create function public.finish_job_run(
  p_run_id uuid,
  p_outcome text,
  p_counts jsonb default '{}'::jsonb,
  p_error text default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_run app_private.job_runs;
begin
  if p_outcome is null or p_outcome not in ('completed', 'failed', 'lease_lost') then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('finish_job_run: outcome must be completed, failed or lease_lost (got %s)', p_outcome);
  end if;

  -- Guard: a run is finished once; a second finish (a retried request) keeps
  -- the first outcome rather than rewriting history.
  update app_private.job_runs
     set finished_at = now(), outcome = p_outcome,
         counts = coalesce(p_counts, '{}'::jsonb), error = left(p_error, 4000)
   where id = p_run_id and finished_at is null
  returning * into v_run;

  if v_run.id is null then
    select * into v_run from app_private.job_runs where id = p_run_id;
    if v_run.id is null then
      raise exception using errcode = 'PT404', hint = 'not_found',
        message = format('finish_job_run: no run %s', p_run_id);
    end if;
  end if;

  -- The lease is released in the same transaction, so a finished run never
  -- leaves its lease to expire on its own. Not ours any more: a no-op.
  if v_run.fencing_token is not null then
    delete from app_private.job_leases where job = v_run.lease and token = v_run.fencing_token;
  end if;

  return jsonb_build_object('run_id', v_run.id, 'outcome', v_run.outcome, 'finished_at', v_run.finished_at);
end;
$$;
