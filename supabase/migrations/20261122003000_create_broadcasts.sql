-- Email broadcasts sent through a provider (Resend), in two phases.
--
--   draft -> scheduling -> scheduled -> sending -> sent
--   draft -> sending -> sent                      (send now, never scheduled)
--   scheduled -> rescheduling -> scheduled
--   scheduled -> cancelling -> draft
--   any intermediate -> uncertain      (the provider call's outcome is unknown)
--   uncertain -> whatever the provider has, read back (broadcast_settle_to_provider)
--   uncertain -> unresolved            (the provider could not be read, bounded retries spent)
--
-- The provider does not deduplicate broadcast requests: Resend honours an
-- Idempotency-Key only on POST /emails and POST /emails/batch
-- (https://resend.com/docs/dashboard/emails/idempotency-keys), and the official
-- SDK sends none on its broadcast calls (resend-node src/broadcasts/broadcasts.ts).
-- So a broadcast call whose answer was lost is never repeated. Instead:
--   * the row leaves its resting state BEFORE the provider is called
--     (broadcast_begin), so a second click gets 409 without any provider call;
--   * the provider's broadcast id is stored by its own version-checked write the
--     moment the create answers (broadcast_record_provider_id), before any send;
--   * every provider broadcast carries the stable name broadcast_provider_name(id),
--     so a create whose answer was lost is found by listing, not created again;
--   * after an unknown outcome the provider's state is read back and the row is
--     moved to match it (broadcast_settle_to_provider).
-- The provider's own state machine is the second fence: Resend sends only a
-- draft and cancels only a scheduled or queued broadcast, so a late-landing
-- duplicate of a send or cancel is refused there.

create table app_private.broadcasts (
  id                    uuid primary key default gen_random_uuid(),
  subject               text not null check (length(subject) between 1 and 998),
  -- The body the provider sends. Resend needs html (or text) on create.
  content_html          text not null check (length(content_html) between 1 and 500000),
  -- The provider's segment id (Resend renamed audiences to segments; the
  -- column keeps its name, the create sends it as segment_id).
  audience_id           text not null check (length(audience_id) between 1 and 200),
  -- The confirmed publish time: what the provider has while scheduled.
  publish_at            timestamptz,
  send_status           text not null default 'draft' check (send_status in
                          ('draft', 'scheduling', 'scheduled', 'sending', 'sent',
                           'rescheduling', 'cancelling', 'failed', 'canceled',
                           'uncertain', 'unresolved')),
  provider_broadcast_id text,
  -- The operation in flight (or whose outcome is unknown), its target time,
  -- the resting state it started from, and the key naming this operation
  -- (in errors and run histories; the provider never sees it).
  pending_action        text check (pending_action in ('schedule', 'send', 'reschedule', 'cancel')),
  pending_publish_at    timestamptz,
  previous_status       text check (previous_status in ('draft', 'scheduled')),
  operation_key         text,
  -- Drives of the current operation: 1 for the first, +1 per editor retry or
  -- resolver claim. The resolver gives up reading the provider after a bound.
  attempts              integer not null default 0,
  -- Why the last operation did not end where it was asked to; for an
  -- 'unresolved' row, why the resolver stopped (shown on the operations page).
  last_error            text,
  version               bigint not null default 1,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  sent_at               timestamptz,
  -- An operation is in flight exactly when the row is in an intermediate,
  -- uncertain or unresolved state; a resting row carries no stale operation.
  constraint broadcasts_pending_iff_in_flight check (
    (send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling', 'uncertain', 'unresolved'))
    = (pending_action is not null and operation_key is not null and previous_status is not null)
  ),
  constraint broadcasts_scheduled_has_provider_id check (
    send_status not in ('scheduled', 'sent', 'canceled') or provider_broadcast_id is not null
  ),
  constraint broadcasts_scheduled_has_time check (
    send_status <> 'scheduled' or publish_at is not null
  )
);

comment on table app_private.broadcasts is
  'Email broadcasts. Written only through the broadcast_* functions; every transition is compare-and-set on version.';
comment on column app_private.broadcasts.last_error is
  'Why the last operation did not end as asked; for send_status unresolved, why the resolver stopped.';

create index broadcasts_in_flight on app_private.broadcasts (updated_at)
  where send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling', 'uncertain', 'unresolved');

alter table app_private.broadcasts enable row level security;

-- The intermediate state an action moves the row to.
create function app_private.broadcast_intermediate_status(p_action text)
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

-- The name every provider broadcast of a row carries: stable for the row's
-- life, so listing the provider's broadcasts finds a create whose answer was lost.
create function app_private.broadcast_provider_name(p_id uuid)
returns text
language sql
immutable
set search_path = ''
as $$
  select 'broadcast:' || p_id::text
$$;

create function public.broadcast_create(p_subject text, p_content_html text, p_audience_id text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.broadcasts;
begin
  -- Guard: the fields the provider needs to create a broadcast.
  if coalesce(length(p_subject), 0) = 0 or coalesce(length(p_content_html), 0) = 0
     or coalesce(length(p_audience_id), 0) = 0 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'broadcast_create: subject, content_html and audience_id are required';
  end if;
  insert into app_private.broadcasts (subject, content_html, audience_id)
  values (p_subject, p_content_html, p_audience_id)
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

create function public.broadcast_get(p_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_row app_private.broadcasts;
begin
  select * into v_row from app_private.broadcasts where id = p_id;
  -- Guard: an unknown id is a 404, not an empty answer.
  if v_row.id is null then
    raise exception using errcode = 'PT404', hint = 'not_found',
      message = format('no broadcast %s', p_id);
  end if;
  return to_jsonb(v_row);
end;
$$;

-- Phase one. Returns {started: true, resumed, row} when the caller now owns the
-- operation, or {started: false, row, reason} when the row is busy or in the
-- wrong state (the caller answers 409 with the row and calls no provider).
-- A resumed operation is never repeated at the provider: its driver reads the
-- provider's state first (see drive.ts).
create function public.broadcast_begin(p_id uuid, p_action text, p_publish_at timestamptz default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row     app_private.broadcasts;
  v_target  timestamptz;
  v_allowed text[];
begin
  -- Guard: a known action, with a future time exactly when it needs one.
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
  select * into v_row from app_private.broadcasts where id = p_id for update;
  if v_row.id is null then
    raise exception using errcode = 'PT404', hint = 'not_found',
      message = format('no broadcast %s', p_id);
  end if;

  -- Guard: an uncertain row is finished only by the SAME operation (whose
  -- driver reads the provider's state before doing anything); any other action
  -- would act on a provider state we do not know.
  if v_row.send_status = 'uncertain' then
    if v_row.pending_action = p_action
       and (p_action not in ('schedule', 'reschedule') or v_row.pending_publish_at = v_target) then
      update app_private.broadcasts
         set send_status = app_private.broadcast_intermediate_status(pending_action),
             attempts = attempts + 1, version = version + 1, updated_at = now()
       where id = p_id
      returning * into v_row;
      return jsonb_build_object('started', true, 'resumed', true, 'row', to_jsonb(v_row));
    end if;
    return jsonb_build_object('started', false, 'row', to_jsonb(v_row),
      'reason', format('broadcast is uncertain after %s; retry %s with the same publish time or wait for the resolver',
                       v_row.pending_action, v_row.pending_action));
  end if;

  -- Guard: an unresolved row waits for an operator (broadcast_requeue).
  if v_row.send_status = 'unresolved' then
    return jsonb_build_object('started', false, 'row', to_jsonb(v_row),
      'reason', format('broadcast is unresolved after %s: %s', v_row.pending_action, coalesce(v_row.last_error, 'no reason recorded')));
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

  update app_private.broadcasts
     set previous_status = send_status,
         send_status = app_private.broadcast_intermediate_status(p_action),
         pending_action = p_action,
         pending_publish_at = v_target,
         attempts = 1,
         last_error = null,
         version = version + 1,
         operation_key = format('broadcast:%s:%s:%s:v%s', id, p_action,
           coalesce(to_char(v_target at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'now'),
           version + 1),
         updated_at = now()
   where id = p_id
  returning * into v_row;
  return jsonb_build_object('started', true, 'resumed', false, 'row', to_jsonb(v_row));
end;
$$;

-- Shared guard of phase two: the caller must still own the operation.
create function app_private.broadcast_lock_owned(p_id uuid, p_version bigint, p_key text)
returns app_private.broadcasts
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_row app_private.broadcasts;
begin
  -- Guard: compare-and-set. A resolver that took the row over bumped version;
  -- the superseded caller must not write over what the resolver decides.
  select * into v_row from app_private.broadcasts
   where id = p_id and version = p_version and operation_key = p_key
     and send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling')
     for update;
  if v_row.id is null then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('broadcast %s: version %s with key %s is no longer the operation in flight', p_id, p_version, p_key);
  end if;
  return v_row;
end;
$$;

-- The moment a create answers: the provider's id, in its own write, before any
-- send. A crash after this leaves an id the resolver can read back; a crash
-- before it leaves a broadcast the resolver finds by its name.
create function public.broadcast_record_provider_id(p_id uuid, p_version bigint, p_key text, p_provider_broadcast_id text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.broadcasts;
begin
  -- Guard: a provider id is a non-empty string.
  if coalesce(length(p_provider_broadcast_id), 0) = 0 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'broadcast_record_provider_id: provider_broadcast_id is required';
  end if;
  v_row := app_private.broadcast_lock_owned(p_id, p_version, p_key);
  -- Guard: one provider broadcast per row. A second id means a second
  -- broadcast exists at the provider; refuse rather than forget the first.
  if v_row.provider_broadcast_id is not null and v_row.provider_broadcast_id <> p_provider_broadcast_id then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('broadcast %s already has provider broadcast %s (got %s)', p_id, v_row.provider_broadcast_id, p_provider_broadcast_id);
  end if;
  update app_private.broadcasts
     set provider_broadcast_id = p_provider_broadcast_id, version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- Phase two, success: the provider answered that it did what the operation asked.
create function public.broadcast_confirm(p_id uuid, p_version bigint, p_key text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.broadcasts;
begin
  v_row := app_private.broadcast_lock_owned(p_id, p_version, p_key);
  update app_private.broadcasts
     set send_status = case pending_action
           when 'schedule' then 'scheduled' when 'reschedule' then 'scheduled'
           when 'send' then 'sent' when 'cancel' then 'draft' end,
         publish_at = case when pending_action in ('schedule', 'reschedule') then pending_publish_at
                           when pending_action = 'cancel' then null else publish_at end,
         sent_at = case when pending_action = 'send' then now() else sent_at end,
         pending_action = null, pending_publish_at = null, previous_status = null, operation_key = null,
         last_error = null, version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- Phase two, definite rejection: the provider answered the first and only
-- attempt with a refusal, so it certainly did not do it. The row returns to
-- where it started, or to draft when an earlier step of the operation already
-- cancelled the provider's schedule (the row must say what the provider has).
create function public.broadcast_rollback(
  p_id uuid, p_version bigint, p_key text, p_error text, p_to_status text default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.broadcasts;
begin
  -- Guard: a rejection leaves the row resting, in a state the provider can have.
  if p_to_status is not null and p_to_status not in ('draft', 'scheduled', 'failed') then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('broadcast_rollback: to_status must be draft, scheduled or failed (got %s)', p_to_status);
  end if;
  v_row := app_private.broadcast_lock_owned(p_id, p_version, p_key);
  update app_private.broadcasts
     set send_status = coalesce(p_to_status, previous_status),
         publish_at = case when coalesce(p_to_status, previous_status) = 'draft' then null else publish_at end,
         last_error = left(format('%s rejected by the provider: %s', pending_action, p_error), 4000),
         pending_action = null, pending_publish_at = null, previous_status = null, operation_key = null,
         version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- Phase two, unknown outcome: keep the operation so that its driver (the
-- editor's retry or the resolver) reads the provider's state; say why.
create function public.broadcast_mark_uncertain(p_id uuid, p_version bigint, p_key text, p_error text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.broadcasts;
begin
  v_row := app_private.broadcast_lock_owned(p_id, p_version, p_key);
  update app_private.broadcasts
     set send_status = 'uncertain', last_error = left(p_error, 4000),
         version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- After an unknown outcome: the provider's state, read back, becomes the
-- row's. p_provider_status is what the provider answered for the broadcast
-- (Resend: draft, scheduled, queued, sent, canceled, failed) or 'absent' when
-- it has none (no id and nothing by our name, or the id answers 404).
create function public.broadcast_settle_to_provider(
  p_id uuid, p_version bigint, p_key text,
  p_provider_broadcast_id text, p_provider_status text, p_scheduled_at timestamptz default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row    app_private.broadcasts;
  v_status text;
  v_done   boolean;
begin
  -- Guard: a provider state this function knows how to mirror.
  if p_provider_status is null
     or p_provider_status not in ('absent', 'draft', 'scheduled', 'queued', 'sent', 'canceled', 'failed') then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('broadcast_settle_to_provider: unknown provider status %s', coalesce(p_provider_status, 'null'));
  end if;
  -- Guard: a scheduled broadcast has a time, and anything but absent has an id.
  if p_provider_status = 'scheduled' and p_scheduled_at is null then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'broadcast_settle_to_provider: a scheduled broadcast needs its scheduled_at';
  end if;
  if p_provider_status <> 'absent' and coalesce(length(p_provider_broadcast_id), 0) = 0 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'broadcast_settle_to_provider: provider_broadcast_id is required unless the provider has none';
  end if;
  v_row := app_private.broadcast_lock_owned(p_id, p_version, p_key);
  v_status := case p_provider_status
    when 'absent' then 'draft' when 'draft' then 'draft' when 'scheduled' then 'scheduled'
    when 'queued' then 'sent' when 'sent' then 'sent' when 'canceled' then 'canceled' when 'failed' then 'failed' end;
  v_done := case v_row.pending_action
    when 'schedule' then v_status = 'scheduled' and p_scheduled_at = v_row.pending_publish_at
    when 'reschedule' then v_status = 'scheduled' and p_scheduled_at = v_row.pending_publish_at
    when 'send' then v_status = 'sent'
    when 'cancel' then v_status = 'draft' end;
  update app_private.broadcasts
     set send_status = v_status,
         provider_broadcast_id = case when p_provider_status = 'absent' then null else p_provider_broadcast_id end,
         publish_at = case when v_status = 'scheduled' then p_scheduled_at else null end,
         sent_at = case when v_status = 'sent' then coalesce(sent_at, now()) else sent_at end,
         last_error = case when v_done then null else left(format(
           '%s did not take effect as asked: the provider has the broadcast %s%s; the row now says so (earlier: %s)',
           pending_action, p_provider_status,
           case when p_scheduled_at is not null then format(' for %s', p_scheduled_at) else '' end,
           coalesce(last_error, 'no error recorded')), 4000) end,
         pending_action = null, pending_publish_at = null, previous_status = null, operation_key = null,
         version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- The resolver's last word on a row whose provider state it could not read in
-- its bounded number of attempts: visible (operations page), never retried on
-- its own; an operator calls broadcast_requeue once the provider answers again.
create function public.broadcast_mark_unresolved(p_id uuid, p_version bigint, p_key text, p_reason text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.broadcasts;
begin
  v_row := app_private.broadcast_lock_owned(p_id, p_version, p_key);
  update app_private.broadcasts
     set send_status = 'unresolved', last_error = left(p_reason, 4000),
         version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- An operator hands an unresolved row back to the resolver, with a fresh
-- budget of attempts.
create function public.broadcast_requeue(p_id uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row app_private.broadcasts;
begin
  select * into v_row from app_private.broadcasts where id = p_id for update;
  -- Guard: only an unresolved row is handed back; anything else has an owner.
  if v_row.id is null or v_row.send_status <> 'unresolved' then
    raise exception using errcode = 'PT409', hint = 'conflict',
      message = format('broadcast %s is not unresolved', p_id);
  end if;
  update app_private.broadcasts
     set send_status = 'uncertain', attempts = 1, version = version + 1, updated_at = now()
   where id = p_id
  returning * into v_row;
  return to_jsonb(v_row);
end;
$$;

-- The resolver's claim: every row stuck in flight or uncertain for longer than
-- the grace period, taken over by bumping its version (so a slow original
-- caller can no longer settle it) and returned for its provider state to be read.
create function public.broadcast_claim_stuck(p_grace_seconds integer, p_limit integer default 100)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_rows jsonb;
begin
  -- Guard: a sane grace period and batch.
  if p_grace_seconds is null or p_grace_seconds < 0 or p_limit is null or p_limit not between 1 and 1000 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('broadcast_claim_stuck: grace must be >= 0 and limit 1..1000 (got %s, %s)', p_grace_seconds, p_limit);
  end if;
  -- Guard: the grace period. A row younger than it may still be in the hands
  -- of the request that began it, and a request that timed out may still land
  -- at the provider; it must outlast an edge function's wall-clock limit. SKIP
  -- LOCKED: a row an editor is settling right now is left for the next run.
  with stuck as (
    select id from app_private.broadcasts
     where send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling', 'uncertain')
       and updated_at <= now() - make_interval(secs => p_grace_seconds)
     order by updated_at
     limit p_limit
       for update skip locked
  ), claimed as (
    update app_private.broadcasts b
       set send_status = app_private.broadcast_intermediate_status(b.pending_action),
           attempts = b.attempts + 1, version = b.version + 1, updated_at = now()
      from stuck
     where b.id = stuck.id
    returning b.*
  )
  select coalesce(jsonb_agg(to_jsonb(claimed) order by claimed.updated_at), '[]'::jsonb) into v_rows from claimed;
  return v_rows;
end;
$$;
