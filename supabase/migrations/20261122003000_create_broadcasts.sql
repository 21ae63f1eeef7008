-- Email broadcasts sent through a provider (Resend), in two phases.
--
--   draft -> scheduling -> scheduled -> sending -> sent
--   draft -> sending -> sent                      (send now, never scheduled)
--   scheduled -> rescheduling -> scheduled
--   scheduled -> cancelling -> draft
--   any intermediate -> uncertain   (the provider call's outcome is unknown)
--   any intermediate -> its previous state, or draft, or failed (definite rejection)
--
-- Seed 000 is the bug this replaces: the provider call succeeded, the database
-- update after it failed, the editor saw "draft", scheduled again, and the
-- audience got the email twice. Here the row leaves its resting state BEFORE
-- the provider is called (broadcast_begin), carrying an idempotency key derived
-- from (broadcast, action, publish time, version). A second click finds the row
-- in flight and gets 409 without any provider call. Whoever finishes the job
-- later (the editor's retry of an uncertain row, or the resolver) sends the
-- SAME key, which the provider dedupes, so a retry can never send twice.

create table public.broadcasts (
  id                    uuid primary key default gen_random_uuid(),
  subject               text not null check (length(subject) between 1 and 998),
  -- The body the provider sends. Resend needs html (or text) on create.
  content_html          text not null check (length(content_html) between 1 and 500000),
  -- The provider's audience (Resend audience / segment id).
  audience_id           text not null check (length(audience_id) between 1 and 200),
  -- The confirmed publish time: what the provider has while scheduled.
  publish_at            timestamptz,
  send_status           text not null default 'draft' check (send_status in
                          ('draft', 'scheduling', 'scheduled', 'sending', 'sent',
                           'rescheduling', 'cancelling', 'failed', 'uncertain')),
  provider_broadcast_id text,
  -- The operation in flight (or whose outcome is unknown), its target time,
  -- the resting state it started from, and the key every provider call of it carries.
  pending_action        text check (pending_action in ('schedule', 'send', 'reschedule', 'cancel')),
  pending_publish_at    timestamptz,
  previous_status       text check (previous_status in ('draft', 'scheduled')),
  idempotency_key       text,
  attempts              integer not null default 0,
  last_error            text,
  version               bigint not null default 1,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  sent_at               timestamptz,
  -- An operation is in flight exactly when the row is in an intermediate or
  -- uncertain state; a resting row carries no stale key a retry could reuse.
  constraint broadcasts_pending_iff_in_flight check (
    (send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling', 'uncertain'))
    = (pending_action is not null and idempotency_key is not null and previous_status is not null)
  ),
  constraint broadcasts_scheduled_has_provider_id check (
    send_status not in ('scheduled', 'sent') or provider_broadcast_id is not null
  )
);

comment on table public.broadcasts is
  'Email broadcasts. Written only through the broadcast_* functions; every transition is compare-and-set on version.';

create index broadcasts_in_flight on public.broadcasts (updated_at)
  where send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling', 'uncertain');

alter table public.broadcasts enable row level security;

-- The intermediate state an action moves the row to.
create function public.broadcast_intermediate_status(p_action text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case p_action
    when 'schedule' then 'scheduling'
    when 'send' then 'sending'
    when 'reschedule' then 'rescheduling'
    when 'cancel' then 'cancelling'
  end
$$;

create function public.broadcast_create(p_subject text, p_content_html text, p_audience_id text)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_row public.broadcasts;
begin
  if coalesce(length(p_subject), 0) = 0 or coalesce(length(p_content_html), 0) = 0
     or coalesce(length(p_audience_id), 0) = 0 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'broadcast_create: subject, content_html and audience_id are required';
  end if;
  insert into public.broadcasts (subject, content_html, audience_id)
  values (p_subject, p_content_html, p_audience_id)
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

create function public.broadcast_get(p_id uuid)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_row public.broadcasts;
begin
  select * into v_row from public.broadcasts where id = p_id;
  if v_row.id is null then
    raise exception using errcode = 'PT404', hint = 'not_found',
      message = format('no broadcast %s', p_id);
  end if;
  return to_jsonb(v_row);
end;
$$;

-- Phase one. Returns {started: true, resumed, row} when the caller now owns the
-- operation, or {started: false, row} when the row is busy or in the wrong
-- state (the caller answers 409 with the row and calls no provider).
create function public.broadcast_begin(p_id uuid, p_action text, p_publish_at timestamptz default null)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_row     public.broadcasts;
  v_target  timestamptz;
  v_allowed text[];
begin
  if p_action is null or p_action not in ('schedule', 'send', 'reschedule', 'cancel') then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('action must be schedule, send, reschedule or cancel (got %s)', coalesce(p_action, 'null'));
  end if;
  if p_action in ('schedule', 'reschedule') and p_publish_at is null then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('publish_at is required to %s', p_action);
  end if;
  if p_action in ('schedule', 'reschedule') and p_publish_at <= now() then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('publish_at must be in the future (got %s)', p_publish_at);
  end if;
  v_target := case when p_action in ('schedule', 'reschedule') then p_publish_at end;

  -- Guard: one decision per row at a time. FOR UPDATE queues concurrent clicks
  -- behind this one; each then sees the state this one leaves.
  select * into v_row from public.broadcasts where id = p_id for update;
  if v_row.id is null then
    raise exception using errcode = 'PT404', hint = 'not_found',
      message = format('no broadcast %s', p_id);
  end if;

  -- Guard: an uncertain row is finished only by repeating the SAME operation
  -- with its stored key (the provider dedupes it); any other action would act
  -- on a provider state we do not know.
  if v_row.send_status = 'uncertain' then
    if v_row.pending_action = p_action
       and (p_action not in ('schedule', 'reschedule') or v_row.pending_publish_at = v_target) then
      update public.broadcasts
         set send_status = public.broadcast_intermediate_status(pending_action),
             attempts = attempts + 1, version = version + 1, updated_at = now()
       where id = p_id
      returning * into v_row;
      return jsonb_build_object('started', true, 'resumed', true, 'row', to_jsonb(v_row));
    end if;
    return jsonb_build_object('started', false, 'row', to_jsonb(v_row),
      'reason', format('broadcast is uncertain after %s; retry %s with the same publish time or wait for the resolver',
                       v_row.pending_action, v_row.pending_action));
  end if;

  -- Guard: the state machine. A row in flight (scheduling, sending, ...) or in
  -- the wrong resting state refuses, which is what makes a second click a 409.
  v_allowed := case p_action
    when 'schedule' then array['draft']
    when 'send' then array['draft', 'scheduled']
    when 'reschedule' then array['scheduled']
    when 'cancel' then array['scheduled']
  end;
  if not (v_row.send_status = any (v_allowed)) then
    return jsonb_build_object('started', false, 'row', to_jsonb(v_row),
      'reason', format('cannot %s a broadcast that is %s', p_action, v_row.send_status));
  end if;

  update public.broadcasts
     set previous_status = send_status,
         send_status = public.broadcast_intermediate_status(p_action),
         pending_action = p_action,
         pending_publish_at = v_target,
         attempts = 1,
         last_error = null,
         version = version + 1,
         -- Derived from (broadcast, action, publish time) plus the version the
         -- operation starts at: a later schedule at the same time (after a
         -- cancel) must not be deduped into the earlier one's answer.
         idempotency_key = format('broadcast:%s:%s:%s:v%s', id, p_action,
           coalesce(to_char(v_target at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'now'),
           version + 1),
         updated_at = now()
   where id = p_id
  returning * into v_row;
  return jsonb_build_object('started', true, 'resumed', false, 'row', to_jsonb(v_row));
end;
$$;

-- Shared guard of phase two: the caller must still own the operation.
create function public.broadcast_lock_owned(p_id uuid, p_version bigint, p_key text)
returns public.broadcasts
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_row public.broadcasts;
begin
  -- Guard: compare-and-set. A resolver that took the row over bumped version;
  -- the superseded caller must not write over what the resolver decides.
  select * into v_row from public.broadcasts
   where id = p_id and version = p_version and idempotency_key = p_key
     and send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling')
     for update;
  if v_row.id is null then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('broadcast %s: version %s with key %s is no longer the operation in flight', p_id, p_version, p_key);
  end if;
  return v_row;
end;
$$;

-- Phase two, success: the provider did what the operation asked.
create function public.broadcast_confirm(p_id uuid, p_version bigint, p_key text, p_provider_broadcast_id text)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_row public.broadcasts;
begin
  v_row := public.broadcast_lock_owned(p_id, p_version, p_key);
  update public.broadcasts
     set send_status = case pending_action
           when 'schedule' then 'scheduled' when 'reschedule' then 'scheduled'
           when 'send' then 'sent' when 'cancel' then 'draft' end,
         publish_at = case when pending_action in ('schedule', 'reschedule') then pending_publish_at
                           when pending_action = 'cancel' then null else publish_at end,
         sent_at = case when pending_action = 'send' then now() else sent_at end,
         provider_broadcast_id = coalesce(p_provider_broadcast_id, provider_broadcast_id),
         pending_action = null, pending_publish_at = null, previous_status = null, idempotency_key = null,
         last_error = null, version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- Phase two, definite rejection: the provider certainly did not do it. The row
-- returns to where it started, or to draft when an earlier step of the
-- operation already cancelled the provider's schedule (the row must say what
-- the provider has, not what we hoped).
create function public.broadcast_rollback(
  p_id uuid, p_version bigint, p_key text, p_error text,
  p_provider_broadcast_id text default null, p_to_status text default null
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_row public.broadcasts;
begin
  if p_to_status is not null and p_to_status not in ('draft', 'scheduled', 'failed') then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('broadcast_rollback: to_status must be draft, scheduled or failed (got %s)', p_to_status);
  end if;
  v_row := public.broadcast_lock_owned(p_id, p_version, p_key);
  update public.broadcasts
     set send_status = coalesce(p_to_status, previous_status),
         publish_at = case when coalesce(p_to_status, previous_status) = 'draft' then null else publish_at end,
         provider_broadcast_id = coalesce(p_provider_broadcast_id, provider_broadcast_id),
         last_error = left(format('%s rejected by the provider: %s', pending_action, p_error), 4000),
         pending_action = null, pending_publish_at = null, previous_status = null, idempotency_key = null,
         version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- Phase two, unknown outcome: keep the key and the action so that the same
-- operation can be repeated safely; say why on the row.
create function public.broadcast_mark_uncertain(
  p_id uuid, p_version bigint, p_key text, p_error text, p_provider_broadcast_id text default null
)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_row public.broadcasts;
begin
  v_row := public.broadcast_lock_owned(p_id, p_version, p_key);
  update public.broadcasts
     set send_status = 'uncertain',
         provider_broadcast_id = coalesce(p_provider_broadcast_id, provider_broadcast_id),
         last_error = left(p_error, 4000),
         version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- The resolver's claim: every row stuck in flight or uncertain for longer than
-- the grace period, taken over by bumping its version (so a slow original
-- caller can no longer settle it) and returned for a re-drive with its key.
create function public.broadcast_claim_stuck(p_grace_seconds integer, p_limit integer default 100)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_rows jsonb;
begin
  if p_grace_seconds is null or p_grace_seconds < 0 or p_limit is null or p_limit not between 1 and 1000 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('broadcast_claim_stuck: grace must be >= 0 and limit 1..1000 (got %s, %s)', p_grace_seconds, p_limit);
  end if;
  -- Guard: the grace period. A row younger than it may still be in the hands
  -- of the request that began it; it must outlast an edge function's
  -- wall-clock limit. SKIP LOCKED: a row an editor is settling right now is
  -- left for the next run.
  with stuck as (
    select id from public.broadcasts
     where send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling', 'uncertain')
       and updated_at <= now() - make_interval(secs => p_grace_seconds)
     order by updated_at
     limit p_limit
       for update skip locked
  ), claimed as (
    update public.broadcasts b
       set send_status = public.broadcast_intermediate_status(b.pending_action),
           attempts = b.attempts + 1, version = b.version + 1, updated_at = now()
      from stuck
     where b.id = stuck.id
    returning b.*
  )
  select coalesce(jsonb_agg(to_jsonb(claimed) order by claimed.updated_at), '[]'::jsonb) into v_rows from claimed;
  return v_rows;
end;
$$;

revoke all on table public.broadcasts from public, anon, authenticated;
grant select on table public.broadcasts to service_role;

revoke all on function
  public.broadcast_intermediate_status(text),
  public.broadcast_create(text, text, text),
  public.broadcast_get(uuid),
  public.broadcast_begin(uuid, text, timestamptz),
  public.broadcast_lock_owned(uuid, bigint, text),
  public.broadcast_confirm(uuid, bigint, text, text),
  public.broadcast_rollback(uuid, bigint, text, text, text, text),
  public.broadcast_mark_uncertain(uuid, bigint, text, text, text),
  public.broadcast_claim_stuck(integer, integer)
from public, anon, authenticated;

-- The helpers run inside the functions below, which are security invoker.
grant execute on function
  public.broadcast_intermediate_status(text),
  public.broadcast_lock_owned(uuid, bigint, text),
  public.broadcast_create(text, text, text),
  public.broadcast_get(uuid),
  public.broadcast_begin(uuid, text, timestamptz),
  public.broadcast_confirm(uuid, bigint, text, text),
  public.broadcast_rollback(uuid, bigint, text, text, text, text),
  public.broadcast_mark_uncertain(uuid, bigint, text, text, text),
  public.broadcast_claim_stuck(integer, integer)
to service_role;
