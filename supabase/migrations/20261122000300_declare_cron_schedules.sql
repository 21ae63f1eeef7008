-- The one list of cron-driven functions. A migration that has pg_cron and
-- pg_net schedules these rows with cron.schedule(); the local stack's cron
-- driver (dev/cron-driver.ts) reads the same rows, so production and local
-- runs can never disagree about what runs when.

create table app_private.cron_schedules (
  name          text primary key check (name ~ '^[a-z0-9-]{1,64}$'),
  schedule      text not null check (length(schedule) between 9 and 100),
  function_name text not null check (function_name ~ '^[a-z0-9-]{1,64}$'),
  body          jsonb not null default '{}'::jsonb,
  -- How long the scheduled call waits for the function's answer. pg_net's
  -- net.http_post gives up after 5000 ms by default (timeout_milliseconds,
  -- github.com/supabase/pg_net sql/pg_net.sql) and records a timeout in
  -- net._http_response while the function goes on running. A hosted Edge
  -- Function answers within the platform's request idle timeout, 150 s, or the
  -- gateway answers 504 for it (supabase.com/docs/guides/functions/limits; the
  -- worker itself may run on to its wall-clock limit, 150 s free, 400 s paid).
  -- So waiting 160 s covers every run: pg_net records the function's own
  -- answer, or the platform's 504, never a timeout of its own making.
  timeout_milliseconds integer not null default 160000
                check (timeout_milliseconds between 1000 and 900000),
  description   text not null
);
comment on table app_private.cron_schedules is
  'Cron-driven edge functions: name, cron expression (UTC), function, request body, how long the call waits for the answer. Read by the local cron driver and by the pg_cron migration.';

alter table app_private.cron_schedules enable row level security;

insert into app_private.cron_schedules (name, schedule, function_name, description) values
  ('braze-scheduler', '*/5 * * * *', 'braze-scheduler',
   'Diff upcoming matches against the schedule ledger and create, update or cancel Braze schedules.'),
  ('braze-reconcile', '2-59/10 * * * *', 'braze-reconcile',
   'Resolve ledger rows left between states, cancel orphan Braze schedules, re-create lost ones. Offset from the scheduler; they share a lease anyway.'),
  ('broadcasts-resolve', '*/5 * * * *', 'broadcasts-resolve',
   'Finish or roll back broadcasts stuck in an intermediate state past the grace period, with their stored idempotency keys.'),
  ('delete-user-resume', '*/5 * * * *', 'delete-user-resume',
   'Advance every user-deletion saga that is due: retry forward after the pivot, compensate before it.'),
  ('maintenance', '17 * * * *', 'maintenance',
   'Prune history past its retention in bounded batches: old job runs (never a job''s latest), webhook delivery records past the retry horizon, counter buckets, pg_cron run details.');
