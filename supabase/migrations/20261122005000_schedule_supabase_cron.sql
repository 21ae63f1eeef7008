-- Supabase Cron: schedule every row of app_private.cron_schedules as a pg_cron job
-- that POSTs to its edge function through pg_net, the way Supabase documents
-- it (docs: guides/functions/schedule-functions, guides/cron/install):
--
--   cron.schedule(<name>, <schedule>, $$ select net.http_post(
--     url     := <vault secret project_url> || '/functions/v1/<function>',
--     headers := {Authorization: Bearer <vault secret cron_secret>, Content-Type: application/json},
--     body    := <cron_schedules.body>,
--     timeout_milliseconds := <cron_schedules.timeout_milliseconds>) $$)
--
-- app_private.cron_schedules stays the one list: the local cron driver
-- (dev/cron-driver.ts) reads it too, and app_private.sync_cron_jobs() below can be
-- re-run after a later migration adds, changes or removes rows.
--
-- Secrets are NOT in this file nor in cron.job: each job reads them from Vault
-- when it runs. Store them once per project (SQL editor, as postgres):
--   select vault.create_secret('https://<project-ref>.supabase.co', 'project_url');
--   select vault.create_secret('<the CRON_SECRET the functions are deployed with>', 'cron_secret');
-- Rotating the secret is vault.update_secret(...) plus `supabase secrets set
-- CRON_SECRET=...`; no job needs rescheduling.
--
-- Operating the jobs:
--   * What is scheduled:   select jobid, jobname, schedule, active from cron.job order by jobname;
--   * What ran and how:    select j.jobname, d.status, d.return_message, d.start_time, d.end_time
--                            from cron.job_run_details d join cron.job j using (jobid)
--                           order by d.start_time desc limit 50;
--     cron.job_run_details has one row per run: status 'succeeded' or 'failed',
--     return_message holds the error. pg_net is asynchronous, so 'succeeded'
--     means the request was queued; the HTTP status of the call itself is in
--     net._http_response (kept for 6 hours, pg_net.ttl) and the function's own
--     run row is in app_private.job_runs. Each call waits timeout_milliseconds
--     (cron_schedules, 160 s by default) instead of pg_net's 5 s default, so a
--     long run shows its real answer (status_code 200 with the run's outcome,
--     or 409 when another run held the lease), or the platform's 504 when the
--     function sent nothing within the 150 s request idle timeout; it is never
--     recorded as timed_out = true while the function is still working. The table grows forever: prune it, e.g.
--     delete from cron.job_run_details where end_time < now() - interval '7 days';
--   * Pause a job:         select cron.alter_job(jobid, active := false) from cron.job where jobname = 'braze-scheduler';
--     Resume:              select cron.alter_job(jobid, active := true)  from cron.job where jobname = 'braze-scheduler';
--     A paused job stays paused when sync_cron_jobs() runs again (cron.schedule
--     updates schedule and command of an existing name, not `active`).
--   * Run one now, by hand: POST to the function with the cron secret (see
--     README), or execute its command: select command from cron.job where jobname = '...';
--
-- Where pg_cron or pg_net is absent (the embedded Postgres of the local stack
-- and of the tests) this migration creates the function, schedules nothing and
-- RAISEs a NOTICE saying why; dev/cron-driver.ts plays pg_cron's part there.

-- ---------------------------------------------------------------------------
-- Extensions: create them only where the platform offers them.
-- ---------------------------------------------------------------------------
do $$
begin
  -- Guard: pg_cron must be installed on the server (Supabase has it; plain
  -- Postgres usually does not). Without it there is nothing to schedule with.
  if not exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    if not exists (select from pg_catalog.pg_available_extensions where name = 'pg_cron') then
      raise notice 'schedule_supabase_cron: pg_cron is not available on this server; no cron jobs created (locally, dev/cron-driver.ts runs app_private.cron_schedules instead)';
      return;
    end if;
    -- Guard: pg_cron can only be created when it is in shared_preload_libraries
    -- and we are in cron.database_name; otherwise CREATE EXTENSION fails. That
    -- is a server configuration, not a reason to fail the whole migration.
    begin
      create extension if not exists pg_cron with schema pg_catalog;
    exception when others then
      raise notice 'schedule_supabase_cron: pg_cron is available but could not be created (%); no cron jobs created', sqlerrm;
      return;
    end;
  end if;

  -- Guard: pg_net makes the HTTP call. Supabase offers it as an extension in
  -- schema `extensions` (its functions live in schema `net`).
  if not exists (select from pg_catalog.pg_extension where extname = 'pg_net')
     and exists (select from pg_catalog.pg_available_extensions where name = 'pg_net') then
    begin
      create extension if not exists pg_net with schema extensions;
    exception when others then
      raise notice 'schedule_supabase_cron: pg_net is available but could not be created (%)', sqlerrm;
    end;
  end if;
end
$$;

-- ---------------------------------------------------------------------------
-- sync_cron_jobs(): make cron.job match app_private.cron_schedules.
--
-- Returns {"scheduled": [names], "unscheduled": [names]} or {"skipped": why}.
-- Only jobs this function created (their command starts with the marker
-- comment) are ever unscheduled; jobs an operator scheduled by hand are left
-- alone.
-- ---------------------------------------------------------------------------
create function app_private.sync_cron_jobs()
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_marker      constant text := '-- managed by app_private.sync_cron_jobs() from app_private.cron_schedules';
  v_row         record;
  v_command     text;
  v_scheduled   text[] := '{}';
  v_unscheduled text[] := '{}';
  v_secrets     integer;
begin
  -- Guard: without pg_cron there is no cron.job to sync (local embedded
  -- Postgres). Say so rather than fail, so the migration applies everywhere.
  if not exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    raise notice 'sync_cron_jobs: pg_cron is not installed; nothing scheduled';
    return jsonb_build_object('skipped', 'pg_cron is not installed');
  end if;

  -- Guard: every job calls net.http_post(url text, body jsonb, params jsonb,
  -- headers jsonb, timeout_milliseconds int). It comes from the pg_net
  -- extension on Supabase. The only other source is the recording stand-in
  -- that tests/cron/ installs on Debian's PostgreSQL 15, which has no pg_net
  -- package: that is why this checks for the function, not the extension.
  if not exists (
    select from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'net' and p.proname = 'http_post'
  ) then
    raise notice 'sync_cron_jobs: net.http_post (pg_net) is not installed; nothing scheduled';
    return jsonb_build_object('skipped', 'pg_net is not installed');
  end if;

  -- Not a guard, a hint: the jobs read these at run time, so scheduling works
  -- without them, but every run would fail until they are stored.
  if pg_catalog.to_regclass('vault.secrets') is null then
    raise notice 'sync_cron_jobs: there is no Vault (schema vault); the jobs will fail until project_url and cron_secret can be read from vault.decrypted_secrets';
  else
    -- Counted through dynamic SQL: the migrating role may not be allowed to
    -- read vault.secrets, and a hint must never fail the migration.
    begin
      execute 'select count(distinct name) from vault.secrets where name in (''project_url'', ''cron_secret'')'
        into v_secrets;
      if v_secrets < 2 then
        raise notice 'sync_cron_jobs: store project_url and cron_secret in Vault (vault.create_secret) before the jobs first run';
      end if;
    exception when others then
      null;
    end;
  end if;

  -- Remove the jobs we created whose row is gone.
  for v_row in
    select j.jobname from cron.job j
     where j.command like v_marker || '%'
       and not exists (select from app_private.cron_schedules s where s.name = j.jobname)
  loop
    perform cron.unschedule(v_row.jobname);
    v_unscheduled := v_unscheduled || v_row.jobname::text;
  end loop;

  -- Create or update one job per row. format() with %L quotes each value as a
  -- literal; function_name is also constrained to [a-z0-9-] by the table.
  for v_row in
    select s.name, s.schedule, s.function_name, s.body, s.timeout_milliseconds
      from app_private.cron_schedules s order by s.name
  loop
    v_command := format(
      $cmd$%s
select net.http_post(
  url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || %L,
  headers := jsonb_build_object(
    'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'cron_secret'),
    'Content-Type', 'application/json'
  ),
  body := %L::jsonb,
  timeout_milliseconds := %s
) as request_id$cmd$,
      v_marker, '/functions/v1/' || v_row.function_name, v_row.body::text, v_row.timeout_milliseconds);
    -- cron.schedule with a name updates that job's schedule and command in
    -- place (same jobid, `active` untouched), so re-running is safe.
    perform cron.schedule(v_row.name, v_row.schedule, v_command);
    v_scheduled := v_scheduled || v_row.name;
  end loop;

  return jsonb_build_object('scheduled', to_jsonb(v_scheduled), 'unscheduled', to_jsonb(v_unscheduled));
end
$$;

comment on function app_private.sync_cron_jobs() is
  'Makes cron.job match app_private.cron_schedules (pg_cron + pg_net, secrets from Vault at run time). No-op with a NOTICE where pg_cron or net.http_post is absent. Re-run after changing cron_schedules.';

-- Rescheduling is an operator's act (migrations, the SQL editor as postgres),
-- never an API call.

select app_private.sync_cron_jobs();
