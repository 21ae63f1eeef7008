-- A user's managed calendars, replaced as a whole by one atomic sync.
--
-- Why: a sync that deletes every row of the user and then inserts the new set
-- in a second request loses the user's calendars whenever the insert fails (a
-- bad row, a timeout, a dropped connection) after the delete committed. Here
-- the whole replacement is one plpgsql function, so it is one transaction:
-- it commits completely or not at all.

create table public.managed_calendars (
  user_id     uuid not null,
  calendar_id text not null,
  name        text not null,
  color       text,
  is_primary  boolean not null default false,
  -- The user's own per-calendar settings (notifications, visibility, ...).
  -- A sync that keeps a calendar keeps these unless it sends new ones.
  settings    jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  constraint managed_calendars_pkey primary key (user_id, calendar_id),
  constraint managed_calendars_calendar_id_length check (length(calendar_id) between 1 and 255),
  constraint managed_calendars_name_length check (length(name) between 1 and 255),
  constraint managed_calendars_color_length check (color is null or length(color) between 1 and 32),
  constraint managed_calendars_settings_object check (jsonb_typeof(settings) = 'object'),
  -- Measured on Postgres's own rendering of the jsonb, which adds spaces and
  -- expands numbers; the edge function's limit (4096 bytes of compact JSON)
  -- is stricter, so a request it accepts is not refused here.
  constraint managed_calendars_settings_size check (octet_length(settings::text) <= 8192)
);
comment on table public.managed_calendars is
  'One row per (user, calendar). Written only by sync_managed_calendars; users read their own rows through RLS.';

-- The table's constraints are the single source of truth for what a stored
-- calendar may be. The sync function reports a violation with the comment of
-- the constraint it broke, so each comment names the payload field.
comment on constraint managed_calendars_calendar_id_length on public.managed_calendars is
  'calendar_id: must be 1 to 255 characters';
comment on constraint managed_calendars_name_length on public.managed_calendars is
  'name: must be 1 to 255 characters';
comment on constraint managed_calendars_color_length on public.managed_calendars is
  'color: must be null or 1 to 32 characters';
comment on constraint managed_calendars_settings_object on public.managed_calendars is
  'settings: must be a JSON object';
comment on constraint managed_calendars_settings_size on public.managed_calendars is
  'settings: must be at most 8192 bytes of JSON as Postgres renders it';

-- One row per user who has ever synced: the revision a client may pass back
-- as expected_revision, so a sync computed from an old view cannot silently
-- undo a newer one (a lost update).
create table public.managed_calendar_revisions (
  user_id   uuid primary key,
  revision  bigint not null check (revision >= 1),
  synced_at timestamptz not null default now()
);
comment on table public.managed_calendar_revisions is
  'Per-user revision of the managed calendar set: bumped by every sync that changed something.';

alter table public.managed_calendars enable row level security;
alter table public.managed_calendar_revisions enable row level security;

-- A signed-in user reads their own rows, nobody else's. (select auth.uid()) is
-- evaluated once per statement instead of once per row (Supabase's RLS
-- performance advice). There is deliberately no insert/update/delete policy:
-- writes go only through sync_managed_calendars.
create policy managed_calendars_read_own on public.managed_calendars
  for select to authenticated
  using (user_id = (select auth.uid()));

create policy managed_calendar_revisions_read_own on public.managed_calendar_revisions
  for select to authenticated
  using (user_id = (select auth.uid()));

-- These two tables stay in public (PostgREST's schema) because the app reads
-- them there: a signed-in user selects their own rows under the policies
-- above. The first migration's default privileges leave a new public table
-- with no grant at all, so the read is granted here, beside its policies, and
-- to authenticated only. Nobody is granted a write: sync_managed_calendars and
-- the deletion saga's pivot change these rows, both running as their owner.
grant select on table public.managed_calendars, public.managed_calendar_revisions to authenticated;

-- ---------------------------------------------------------------------------
-- sync_managed_calendars: replace a user's calendars with p_calendars.
--
-- p_calendars is a JSON array of {calendar_id, name, color, is_primary,
-- settings?}. Calendars absent from it are deleted, new ones inserted, changed
-- ones updated; a kept calendar keeps its created_at, and its settings unless
-- the element carries "settings". Returns
-- {inserted, updated, deleted, unchanged, revision}.
--
-- Called by the edge function with the service role, after it verified the
-- user's access token; p_user_id is that token's subject. Executable by
-- service_role only (the first migration's default privileges): a user calling
-- it through PostgREST could name another user.
-- ---------------------------------------------------------------------------
create function public.sync_managed_calendars(
  p_user_id uuid,
  p_calendars jsonb,
  p_expected_revision bigint default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_revision   bigint;
  v_count      integer;
  v_bad_index  bigint;
  v_bad_field  text;
  v_duplicate  text;
  v_inserted   integer := 0;
  v_updated    integer := 0;
  v_deleted    integer := 0;
  v_constraint text;
  v_rule       text;
begin
  -- Guard: the payload's shape, checked before anything is written so that a
  -- malformed request changes nothing and the error names the field. Values
  -- (lengths, sizes) are the table constraints' job, below.
  if p_user_id is null then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'user_id is required';
  end if;
  if p_calendars is null or jsonb_typeof(p_calendars) <> 'array' then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'calendars: must be an array';
  end if;
  v_count := jsonb_array_length(p_calendars);
  -- A hard ceiling for one transaction; the edge function enforces the
  -- product limit (500 by default) before the call.
  if v_count > 1000 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('calendars: at most 1000 per sync (got %s)', v_count);
  end if;

  select e.ordinality - 1,
         case
           when jsonb_typeof(e.value) <> 'object' then ''
           when jsonb_typeof(e.value -> 'calendar_id') is distinct from 'string' then '.calendar_id'
           when jsonb_typeof(e.value -> 'name') is distinct from 'string' then '.name'
           when coalesce(jsonb_typeof(e.value -> 'color'), 'null') not in ('string', 'null') then '.color'
           when jsonb_typeof(e.value -> 'is_primary') is distinct from 'boolean' then '.is_primary'
           when coalesce(jsonb_typeof(e.value -> 'settings'), 'null') not in ('object', 'null') then '.settings'
         end
    into v_bad_index, v_bad_field
    from jsonb_array_elements(p_calendars) with ordinality as e(value, ordinality)
   where jsonb_typeof(e.value) <> 'object'
      or jsonb_typeof(e.value -> 'calendar_id') is distinct from 'string'
      or jsonb_typeof(e.value -> 'name') is distinct from 'string'
      or coalesce(jsonb_typeof(e.value -> 'color'), 'null') not in ('string', 'null')
      or jsonb_typeof(e.value -> 'is_primary') is distinct from 'boolean'
      or coalesce(jsonb_typeof(e.value -> 'settings'), 'null') not in ('object', 'null')
   order by e.ordinality
   limit 1;
  if v_bad_index is not null then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('calendars[%s]%s: %s', v_bad_index, v_bad_field,
        case v_bad_field
          when '' then 'must be an object'
          when '.calendar_id' then 'must be a string'
          when '.name' then 'must be a string'
          when '.color' then 'must be a string or null'
          when '.is_primary' then 'must be a boolean'
          else 'must be an object or null'
        end);
  end if;

  -- Guard: one calendar_id once. Two elements for one calendar would make the
  -- result depend on the order rows happen to be applied in.
  select e.value ->> 'calendar_id'
    into v_duplicate
    from jsonb_array_elements(p_calendars) as e(value)
   group by e.value ->> 'calendar_id'
  having count(*) > 1
   limit 1;
  if v_duplicate is not null then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('calendars: calendar_id %s appears more than once', v_duplicate);
  end if;

  -- Guard: syncs of one user apply one after the other, and never for a user
  -- whose deletion was requested. user_write_begin takes the user's
  -- transaction-level write lock (released by commit or rollback on whichever
  -- pooled backend served the call; other users use other keys, so they never
  -- wait on each other), then refuses the user if a deletion tombstone exists
  -- (403, "account_deleted"). Without the lock two overlapping syncs could each
  -- delete what the other inserted; without the tombstone, an access token that
  -- is still valid after the user was banned (Auth does not revoke issued
  -- tokens) writes calendars that nothing would ever delete. Both live with
  -- the deletion saga, in the user_deletions migration.
  perform app_private.user_write_begin(p_user_id);

  select r.revision into v_revision
    from public.managed_calendar_revisions as r
   where r.user_id = p_user_id;
  v_revision := coalesce(v_revision, 0);

  -- Guard: optimistic concurrency for clients. A client that read revision N
  -- and syncs with expected_revision N must not overwrite a newer sync.
  if p_expected_revision is not null and p_expected_revision <> v_revision then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('calendars changed since revision %s; the current revision is %s', p_expected_revision, v_revision),
      detail = jsonb_build_object('expected_revision', p_expected_revision, 'revision', v_revision)::text;
  end if;

  begin
    -- NOT IN over a subquery is planned as a hashed lookup: one pass over
    -- the payload, not one per stored row. calendar_id is never null here.
    delete from public.managed_calendars as c
     where c.user_id = p_user_id
       and c.calendar_id not in (
         select e.value ->> 'calendar_id' from jsonb_array_elements(p_calendars) as e(value)
       );
    get diagnostics v_deleted = row_count;

    -- Only rows that really change are updated, so updated_at means "last
    -- changed" and an identical re-sync reports everything unchanged.
    update public.managed_calendars as c
       set name = i.name,
           color = i.color,
           is_primary = i.is_primary,
           settings = coalesce(i.settings, c.settings),
           updated_at = now()
      from jsonb_to_recordset(p_calendars)
             as i(calendar_id text, name text, color text, is_primary boolean, settings jsonb)
     where c.user_id = p_user_id
       and c.calendar_id = i.calendar_id
       and ((c.name, c.color, c.is_primary) is distinct from (i.name, i.color, i.is_primary)
            or (i.settings is not null and i.settings is distinct from c.settings));
    get diagnostics v_updated = row_count;

    insert into public.managed_calendars (user_id, calendar_id, name, color, is_primary, settings)
    select p_user_id, i.calendar_id, i.name, i.color, i.is_primary, coalesce(i.settings, '{}'::jsonb)
      from jsonb_to_recordset(p_calendars)
             as i(calendar_id text, name text, color text, is_primary boolean, settings jsonb)
     where not exists (
       select 1 from public.managed_calendars as c
        where c.user_id = p_user_id and c.calendar_id = i.calendar_id
     );
    get diagnostics v_inserted = row_count;
  exception
    -- A value the table refuses, found halfway through the writes: everything
    -- above is rolled back with this block, and the caller is told which
    -- field, through the comment on the constraint it broke.
    when check_violation or not_null_violation then
      get stacked diagnostics v_constraint = constraint_name;
      select obj_description(con.oid, 'pg_constraint') into v_rule
        from pg_catalog.pg_constraint as con
       where con.conname = v_constraint
         and con.conrelid = 'public.managed_calendars'::regclass;
      raise exception using errcode = 'PT400', hint = 'invalid_input',
        message = format('calendars: %s (constraint %s)',
          coalesce(v_rule, 'a value is not allowed'), coalesce(nullif(v_constraint, ''), 'not null'));
  end;

  -- The revision moves only when something changed: an identical re-sync must
  -- not invalidate another client's expected_revision. Readers see the new
  -- rows and the new revision together, at commit.
  if v_inserted + v_updated + v_deleted > 0 then
    insert into public.managed_calendar_revisions as r (user_id, revision, synced_at)
    values (p_user_id, 1, now())
    on conflict (user_id) do update
      set revision = r.revision + 1, synced_at = now()
    returning r.revision into v_revision;
  end if;

  return jsonb_build_object(
    'inserted', v_inserted,
    'updated', v_updated,
    'deleted', v_deleted,
    'unchanged', v_count - v_inserted - v_updated,
    'revision', v_revision
  );
end;
$$;
