-- Platform bootstrap: what a hosted Supabase project already has before any
-- migration runs. Applied by the local stack and by every test database, never
-- shipped in supabase/migrations/ (a real project must not get these twice).
--
-- Modelled on supabase/postgres's init scripts: the API roles, the `auth` and
-- `extensions` schemas, auth.uid()/auth.jwt()/auth.role() reading the
-- `request.jwt.claims` setting that PostgREST sets per request, the
-- `graphql_public` schema pg_graphql exposes, and Supabase's default
-- privileges, which GRANT everything the migration role (postgres) creates in
-- `public` to the API roles (supabase/postgres,
-- migrations/db/init-scripts/00000000000000-initial-schema.sql: "grant usage on
-- schema public to postgres, anon, authenticated, service_role; alter default
-- privileges in schema public grant all on tables|functions|sequences to
-- postgres, anon, authenticated, service_role"). That last part matters: the
-- migrations must take those grants back themselves, and a migration that does
-- not is exposed here exactly as it would be on the platform.

do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'postgres';
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;

create schema if not exists auth;
create schema if not exists extensions;
create schema if not exists graphql_public;
grant usage on schema auth, extensions, graphql_public, public to anon, authenticated, service_role;

create or replace function auth.jwt() returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

create or replace function auth.uid() returns uuid
language sql stable
set search_path = ''
as $$
  select nullif(
    coalesce(
      current_setting('request.jwt.claim.sub', true),
      (auth.jwt() ->> 'sub')
    ),
    ''
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
set search_path = ''
as $$
  select nullif(
    coalesce(
      current_setting('request.jwt.claim.role', true),
      (auth.jwt() ->> 'role')
    ),
    ''
  )::text
$$;

grant execute on function auth.jwt(), auth.uid(), auth.role() to anon, authenticated, service_role;

alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
