-- Deleting a user across the database, Supabase Auth and the email provider:
-- a saga with a pivot transaction, and its log.
--
-- The hazard: three deletions fired with Promise.all; when one failed
-- the others had happened and nothing recorded what was left. Its proposed fix
-- (compensate by re-creating the auth user) cannot work: a deleted auth user's
-- sessions, identities and password hash are gone. So the steps are ordered
-- around a pivot instead:
--
--   1 block    ban the user in Auth (reversible: unban)       failure -> compensate, saga aborted
--   2 pivot    delete the user's application data, ONE transaction (this file)
--   3 contact  remove the email provider's contact ("not found" = done)
--   4 auth     delete the auth user ("not found" = done)
--   5 done
--
-- Before the pivot commits, the saga can be undone; after it, it can only be
-- finished, so every later failure is retried forward with capped exponential
-- backoff. Each step is idempotent and recorded here before the next begins,
-- and every record is fenced by the claim of the run that did it, so two
-- runners never advance one saga at the same time.

create table app_private.user_deletions (
  user_id            uuid primary key,
  requested_by       text not null check (length(requested_by) between 1 and 200),
  status             text not null default 'in_progress'
                       check (status in ('in_progress', 'compensating', 'aborted', 'done')),
  -- Captured when the user is blocked (the contact is found by address after
  -- the auth user is gone); erased when the saga is done.
  email              text,
  -- {"block": <time>, "pivot": <time>, "contact": <time>, "auth": <time>}
  steps              jsonb not null default '{}'::jsonb,
  attempts           integer not null default 0,
  next_attempt_at    timestamptz not null default now(),
  last_error         text,
  claim_token        uuid,
  claimed_until      timestamptz,
  claim_ttl_seconds  integer,
  requested_at       timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  finished_at        timestamptz,
  constraint user_deletions_claim_complete check ((claim_token is null) = (claimed_until is null))
);

comment on table app_private.user_deletions is
  'Saga log of user deletions, one row per user: a second request joins the saga. Written only through the user_deletion_* functions.';

create index user_deletions_due on app_private.user_deletions (next_attempt_at)
  where status in ('in_progress', 'compensating');

alter table app_private.user_deletions enable row level security;

-- The per-user write lock: every function that writes on a user's behalf
-- (sync_managed_calendars today) and the deletion saga's request and pivot
-- take it first, so they apply one after the other per user. A
-- transaction-level advisory lock: PostgREST and Supavisor run each RPC in its
-- own transaction on a pooled connection, so only a lock that ends with the
-- transaction is really held by the caller. Taken before any row lock in every
-- caller, so it can never close a cycle with one (a sync that deleted then
-- updated calendars while the pivot deleted them in another order deadlocked).
create function app_private.user_write_lock(p_user_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  if p_user_id is null then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'user_write_lock: user_id is required';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('user_writes:' || p_user_id::text, 0));
end;
$$;

-- The deletion tombstone, checked under the lock by every write on a user's
-- behalf, in the write's own transaction. Banning a user in Supabase Auth does
-- not revoke access tokens already issued: Supabase Auth's JWTs are checked
-- without a lookup and stay valid until they expire, 5 minutes to an hour
-- ("This does not revoke the JWT and it will still be valid until it
-- expires", https://supabase.com/docs/reference/python/auth-signout; token
-- lifetimes: https://supabase.com/docs/guides/auth/sessions). So from the
-- moment a deletion is requested the database itself refuses the user. The request takes the same lock, so a write either
-- committed before the request (and the pivot deletes it) or sees the tombstone.
-- An aborted saga (blocking failed and was undone) leaves the user intact and
-- writing again; a finished one keeps its row (status done, no address) as the
-- tombstone for as long as old tokens could live.
create function app_private.user_write_begin(p_user_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_status text;
begin
  perform app_private.user_write_lock(p_user_id);
  -- Guard: no write for a user whose deletion was requested. Read after the
  -- lock: in READ COMMITTED this statement's snapshot is taken after the lock
  -- was granted, so a request that committed while we waited is seen.
  select d.status into v_status from app_private.user_deletions as d where d.user_id = p_user_id;
  if v_status is not null and v_status <> 'aborted' then
    raise exception using errcode = 'PT403', hint = 'forbidden',
      message = format('account_deleted: user %s has asked for their account to be deleted (%s); nothing is written on their behalf',
                       p_user_id, v_status);
  end if;
end;
$$;

-- Starts a saga, or joins the one that exists. An aborted saga (blocking
-- failed and was undone) is started again: the request stands.
create function public.user_deletion_request(p_user_id uuid, p_requested_by text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row     app_private.user_deletions;
  v_created boolean := false;
begin
  if p_user_id is null or coalesce(length(p_requested_by), 0) = 0 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'user_deletion_request: user_id and requested_by are required';
  end if;

  -- Guard: the request is ordered with the user's writes. Once it commits,
  -- every later write sees the tombstone (user_write_begin); a write already
  -- running finishes first, and the pivot removes what it wrote.
  perform app_private.user_write_lock(p_user_id);

  -- Guard: one saga per user. The primary key makes concurrent requests
  -- converge on one row; ON CONFLICT DO NOTHING makes the loser join it.
  insert into app_private.user_deletions (user_id, requested_by)
  values (p_user_id, p_requested_by)
  on conflict (user_id) do nothing
  returning * into v_row;
  v_created := v_row.user_id is not null;

  if not v_created then
    update app_private.user_deletions
       set status = 'in_progress', steps = '{}'::jsonb, attempts = 0, next_attempt_at = now(),
           requested_by = p_requested_by, requested_at = now(), updated_at = now(), finished_at = null
     where user_id = p_user_id and status = 'aborted'
    returning * into v_row;
    if v_row.user_id is null then
      select * into v_row from app_private.user_deletions where user_id = p_user_id;
    end if;
  end if;
  return jsonb_build_object('created', v_created, 'row', to_jsonb(v_row));
end;
$$;

-- The claim: who may advance this saga now. Returns the row with its new
-- claim token, or null when another run holds a live claim or the saga is over.
create function public.user_deletion_claim(p_user_id uuid, p_ttl_seconds integer)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.user_deletions;
begin
  if p_ttl_seconds is null or p_ttl_seconds not between 1 and 3600 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('user_deletion_claim: ttl must be 1..3600 s (got %s)', p_ttl_seconds);
  end if;
  -- Guard: a live claim belongs to its run, judged by the database clock; a
  -- crashed run's claim simply expires.
  update app_private.user_deletions
     set claim_token = gen_random_uuid(), claimed_until = now() + make_interval(secs => p_ttl_seconds),
         claim_ttl_seconds = p_ttl_seconds, updated_at = now()
   where user_id = p_user_id
     and status in ('in_progress', 'compensating')
     and (claimed_until is null or claimed_until <= now())
  returning * into v_row;
  if v_row.user_id is null then
    return null;
  end if;
  return to_jsonb(v_row);
end;
$$;

-- The resumer's claim: every saga that is due and not claimed.
create function public.user_deletion_claim_due(p_ttl_seconds integer, p_limit integer default 20)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_rows jsonb;
begin
  if p_ttl_seconds is null or p_ttl_seconds not between 1 and 3600 or p_limit is null or p_limit not between 1 and 1000 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('user_deletion_claim_due: ttl must be 1..3600 s and limit 1..1000 (got %s, %s)', p_ttl_seconds, p_limit);
  end if;
  with due as (
    select user_id from app_private.user_deletions
     where status in ('in_progress', 'compensating')
       and next_attempt_at <= now()
       and (claimed_until is null or claimed_until <= now())
     order by next_attempt_at
     limit p_limit
       for update skip locked
  ), claimed as (
    update app_private.user_deletions d
       set claim_token = gen_random_uuid(), claimed_until = now() + make_interval(secs => p_ttl_seconds),
           claim_ttl_seconds = p_ttl_seconds, updated_at = now()
      from due
     where d.user_id = due.user_id
    returning d.*
  )
  select coalesce(jsonb_agg(to_jsonb(claimed)), '[]'::jsonb) into v_rows from claimed;
  return v_rows;
end;
$$;

-- Guard shared by every write of a step: the caller's claim must still be the
-- live one. Renews it, so a run that keeps making progress keeps its claim.
create function app_private.user_deletion_lock_claimed(p_user_id uuid, p_claim uuid)
returns app_private.user_deletions
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_row app_private.user_deletions;
begin
  select * into v_row from app_private.user_deletions
   where user_id = p_user_id and claim_token = p_claim and claimed_until > now()
     for update;
  if v_row.user_id is null then
    raise exception using errcode = 'PT409', hint = 'lease_lost',
      message = format('user deletion %s: claim %s is no longer live; another run owns the saga', p_user_id, p_claim);
  end if;
  update app_private.user_deletions
     set claimed_until = now() + make_interval(secs => claim_ttl_seconds)
   where user_id = p_user_id
  returning * into v_row;
  return v_row;
end;
$$;

-- Records a step whose side effect (outside the database) is done.
create function public.user_deletion_step_done(p_user_id uuid, p_claim uuid, p_step text, p_email text default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row      app_private.user_deletions;
  v_previous text;
begin
  if p_step is null or p_step not in ('block', 'contact', 'auth') then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('user_deletion_step_done: step must be block, contact or auth (got %s)', p_step);
  end if;
  v_row := app_private.user_deletion_lock_claimed(p_user_id, p_claim);
  -- Guard: the order. A step is recorded only after the one before it, so the
  -- log can never claim the auth user is gone while the data is still there.
  v_previous := case p_step when 'contact' then 'pivot' when 'auth' then 'contact' end;
  if v_row.status <> 'in_progress' or (v_previous is not null and not (v_row.steps ? v_previous)) then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('user deletion %s: cannot record %s (status %s, steps %s)', p_user_id, p_step, v_row.status, v_row.steps);
  end if;
  update app_private.user_deletions
     set steps = case when steps ? p_step then steps else steps || jsonb_build_object(p_step, now()) end,
         email = coalesce(email, lower(btrim(p_email))),
         updated_at = now()
   where user_id = p_user_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- The pivot: the user's application data goes in one transaction together
-- with the record that it went. Once this commits the saga only goes forward.
create function public.user_deletion_pivot(p_user_id uuid, p_claim uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row       app_private.user_deletions;
  v_calendars integer;
  v_emails    jsonb;
begin
  -- Guard: the user's write lock before anything else, as every write on the
  -- user's behalf takes it: the pivot never interleaves with a sync (no
  -- deadlock between their row locks, no sync row left behind).
  perform app_private.user_write_lock(p_user_id);
  v_row := app_private.user_deletion_lock_claimed(p_user_id, p_claim);
  if v_row.steps ? 'pivot' then
    return to_jsonb(v_row);
  end if;
  -- Guard: the user is blocked first, so they cannot create data behind the pivot.
  if v_row.status <> 'in_progress' or not (v_row.steps ? 'block') then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('user deletion %s: the pivot needs the block step first (status %s)', p_user_id, v_row.status);
  end if;

  delete from public.managed_calendars where user_id = p_user_id;
  get diagnostics v_calendars = row_count;
  delete from public.managed_calendar_revisions where user_id = p_user_id;
  -- Email history is found by address (Resend's webhooks carry no user id)
  -- and kept as anonymous tombstones: see forget_email_recipients for why.
  v_emails := case when v_row.email is null then jsonb_build_object('emails', 0)
                   else public.forget_email_recipients(jsonb_build_array(v_row.email)) end;

  update app_private.user_deletions
     set steps = steps || jsonb_build_object('pivot', now(),
                   'pivot_counts', jsonb_build_object('calendars', v_calendars, 'emails', v_emails -> 'emails')),
         updated_at = now()
   where user_id = p_user_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- Compensation begins: blocking failed, the ban is to be undone. Recorded,
-- fenced by the claim (which it keeps and renews), BEFORE the unban call: a
-- run whose claim lapsed while its ban call hung gets lease_lost here and
-- touches nothing outside, instead of unbanning a user another run may have
-- taken past the pivot meanwhile. A run that dies after this record leaves a
-- 'compensating' saga the resumer finishes (the unban is idempotent).
create function public.user_deletion_compensating(p_user_id uuid, p_claim uuid, p_error text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.user_deletions;
begin
  v_row := app_private.user_deletion_lock_claimed(p_user_id, p_claim);
  -- Guard: nothing after the pivot can be undone, so it is never compensated.
  if v_row.steps ? 'pivot' or v_row.status not in ('in_progress', 'compensating') then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('user deletion %s cannot be compensated (status %s, steps %s)', p_user_id, v_row.status, v_row.steps);
  end if;
  update app_private.user_deletions
     set status = 'compensating', last_error = left(p_error, 4000), next_attempt_at = now(), updated_at = now()
   where user_id = p_user_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

create function public.user_deletion_finish(p_user_id uuid, p_claim uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.user_deletions;
begin
  v_row := app_private.user_deletion_lock_claimed(p_user_id, p_claim);
  -- Guard: done means every step is recorded.
  if not (v_row.steps ?& array['block', 'pivot', 'contact', 'auth']) then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('user deletion %s: cannot finish with steps %s', p_user_id, v_row.steps);
  end if;
  update app_private.user_deletions
     set status = 'done', email = null, last_error = null, finished_at = now(), updated_at = now(),
         claim_token = null, claimed_until = null
   where user_id = p_user_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- A failed attempt: say why, back off (capped exponential), release the claim.
-- p_outcome: 'retry' (after the pivot, or the pivot itself: go forward later),
-- 'compensating' (blocking failed and so did the unban: retry the unban later),
-- 'aborted' (blocking failed and was undone: the user is intact).
create function public.user_deletion_fail(
  p_user_id uuid, p_claim uuid, p_error text, p_outcome text default 'retry',
  p_base_seconds integer default 30, p_cap_seconds integer default 3600
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.user_deletions;
begin
  if p_outcome is null or p_outcome not in ('retry', 'compensating', 'aborted')
     or p_base_seconds is null or p_base_seconds < 0 or p_cap_seconds is null or p_cap_seconds < p_base_seconds then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('user_deletion_fail: outcome must be retry, compensating or aborted and 0 <= base <= cap (got %s, %s, %s)',
                       p_outcome, p_base_seconds, p_cap_seconds);
  end if;
  v_row := app_private.user_deletion_lock_claimed(p_user_id, p_claim);
  -- Guard: nothing after the pivot can be undone, so it is never aborted.
  if p_outcome <> 'retry' and v_row.steps ? 'pivot' then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('user deletion %s is past its pivot and can only be retried forward', p_user_id);
  end if;
  update app_private.user_deletions
     set status = case p_outcome when 'retry' then status when 'compensating' then 'compensating' else 'aborted' end,
         attempts = attempts + 1,
         next_attempt_at = now() + make_interval(secs => least(p_cap_seconds, p_base_seconds * power(2, least(attempts, 30)))),
         last_error = left(p_error, 4000),
         finished_at = case when p_outcome = 'aborted' then now() end,
         claim_token = null, claimed_until = null, updated_at = now()
   where user_id = p_user_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;
