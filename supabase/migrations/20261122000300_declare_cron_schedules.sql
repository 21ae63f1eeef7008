-- The one list of cron-driven functions. A migration that has pg_cron and
-- pg_net schedules these rows with cron.schedule(); the local stack's cron
-- driver (dev/cron-driver.ts) reads the same rows, so production and local
-- runs can never disagree about what runs when.

create table public.cron_schedules (
  name          text primary key check (name ~ '^[a-z0-9-]{1,64}$'),
  schedule      text not null check (length(schedule) between 9 and 100),
  function_name text not null check (function_name ~ '^[a-z0-9-]{1,64}$'),
  body          jsonb not null default '{}'::jsonb,
  description   text not null
);
comment on table public.cron_schedules is
  'Cron-driven edge functions: name, cron expression (UTC), function, request body. Read by the local cron driver and by the pg_cron migration.';

alter table public.cron_schedules enable row level security;
revoke all on table public.cron_schedules from public, anon, authenticated;
grant select on table public.cron_schedules to service_role;

insert into public.cron_schedules (name, schedule, function_name, description) values
  ('braze-scheduler', '*/5 * * * *', 'braze-scheduler',
   'Diff upcoming matches against the schedule ledger and create, update or cancel Braze schedules.'),
  ('braze-reconcile', '2-59/10 * * * *', 'braze-reconcile',
   'Resolve ledger rows left between states, cancel orphan Braze schedules, re-create lost ones. Offset from the scheduler; they share a lease anyway.'),
  ('broadcasts-resolve', '*/5 * * * *', 'broadcasts-resolve',
   'Finish or roll back broadcasts stuck in an intermediate state past the grace period, with their stored idempotency keys.'),
  ('delete-user-resume', '*/5 * * * *', 'delete-user-resume',
   'Advance every user-deletion saga that is due: retry forward after the pivot, compensate before it.');
