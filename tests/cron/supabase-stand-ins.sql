-- TEST-ONLY stand-ins for two things a hosted Supabase project has and Debian's
-- PostgreSQL 15 does not. Applied by tests/cron/ before the migrations; never
-- shipped, never in supabase/migrations/.
--
-- vault: Supabase Vault keeps secrets encrypted in vault.secrets and exposes
--   them decrypted through the view vault.decrypted_secrets (name,
--   decrypted_secret). Here they are plain text: the test is about who reads
--   what, when, not about encryption.
-- net.http_post: pg_net queues an HTTP request and returns its id. There is no
--   pg_net package for Debian, so this records the call in net.recorded_calls
--   and returns the row's id. Same name, argument names, defaults and return
--   type as pg_net's, so the cron commands run unchanged.

create schema vault;
create table vault.secrets (
  id     uuid primary key default gen_random_uuid(),
  name   text unique,
  secret text not null
);
create view vault.decrypted_secrets as
  select id, name, secret as decrypted_secret from vault.secrets;

create schema net;
create table net.recorded_calls (
  id                   bigint generated always as identity primary key,
  url                  text not null,
  body                 jsonb,
  params               jsonb,
  headers              jsonb,
  timeout_milliseconds integer,
  called_at            timestamptz not null default clock_timestamp()
);

create function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language sql
volatile
set search_path = ''
as $$
  insert into net.recorded_calls (url, body, params, headers, timeout_milliseconds)
  values (url, body, params, headers, timeout_milliseconds)
  returning id
$$;
