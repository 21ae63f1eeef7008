-- The schedule ledger: what this project believes Braze has scheduled, one row
-- per (campaign, match) attempt, with an explicit status.
--
--   creating -> scheduled -> updating -> scheduled ... -> cancelling -> cancelled
--   creating -> failed (Braze said no; a later run may revive the row)
--   creating | updating | cancelling -> uncertain (the call's outcome is unknown:
--                                       a timeout after the request was sent)
--   scheduled -> sent (its send time passed by the database clock: the push
--                      went out; terminal, like cancelled)
--   any but cancelling/cancelled -> sent (braze_send_guard: a schedule of the
--                      row claimed the delivery at send time)
--
-- The intent (creating/updating/cancelling, with a fresh attempt_id) is written
-- BEFORE the Braze call and the attempt id travels to Braze inside
-- trigger_properties, so a crash between the call and the confirmation leaves
-- a row that reconcile can match to the outside schedule. Every transition is
-- a compare-and-set on `version` and is fenced by the caller's lease token.
--
-- There is no post-run sweep comparing Braze with the ledger (such a sweep
-- can delete the schedule the ledger has just adopted): the unique index below
-- makes a second live row impossible, and the lease makes a second writer
-- impossible. Every write is fenced by the lease derived from the campaign
-- (braze_campaign_lease), never by a lease name the caller chooses.

create table app_private.schedule_ledger (
  id                bigint generated always as identity primary key,
  campaign_id       text not null check (length(campaign_id) between 1 and 200),
  match_id          bigint not null,
  status            text not null check (status in
                      ('creating', 'scheduled', 'updating', 'cancelling', 'cancelled', 'failed', 'uncertain', 'sent')),
  version           integer not null default 1,
  attempt_id        uuid not null,
  -- The key the row's Braze schedule carries in trigger_properties.guard_key:
  -- the attempt id of the create that made (or is making) it. An update keeps
  -- it: Braze documents only campaign_id, schedule_id and schedule for
  -- /campaigns/trigger/schedule/update, so the schedule may keep its old
  -- trigger_properties whatever the update sends.
  guard_key         uuid not null,
  braze_schedule_id text,
  -- The target of the latest operation: what Braze has (scheduled) or is being
  -- asked to have (creating, updating).
  signature         text not null,
  send_at           timestamptz not null,
  kickoff_at        timestamptz not null,
  message           jsonb not null default '{}'::jsonb,
  -- While updating: the last confirmed target, restored if Braze rejects the update.
  previous          jsonb,
  -- While uncertain: which operation's outcome is unknown.
  uncertain_op      text check (uncertain_op in ('create', 'update', 'cancel')),
  last_error        text,
  fencing_token     bigint not null,
  -- The guard key that claimed the match's delivery (braze_send_guard), and when.
  delivered_by      uuid,
  delivered_at      timestamptz,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  constraint schedule_ledger_delivery_is_terminal
    check ((delivered_by is null) = (delivered_at is null) and (delivered_by is null or status = 'sent')),
  constraint schedule_ledger_scheduled_has_id
    check (status not in ('scheduled', 'updating', 'cancelling') or braze_schedule_id is not null),
  constraint schedule_ledger_uncertain_has_op
    check ((status = 'uncertain') = (uncertain_op is not null))
);

comment on table app_private.schedule_ledger is
  'What Braze has (or is being asked to have) per campaign and match. Written only through the ledger_* functions, fenced by the job lease.';

-- Guard: at most one live row per (campaign, match). A cancelled or sent row
-- is history; every other status owns (or may own) a Braze schedule. A sent
-- row must leave this index: a match re-dated after its push went out (a
-- postponement, a delay on the day, a new lead time) needs a new live row.
create unique index schedule_ledger_one_live_row
  on app_private.schedule_ledger (campaign_id, match_id)
  where status not in ('cancelled', 'sent');

-- Guard: one Braze schedule belongs to at most one live row.
create unique index schedule_ledger_one_owner_per_schedule
  on app_private.schedule_ledger (campaign_id, braze_schedule_id)
  where status not in ('cancelled', 'sent') and braze_schedule_id is not null;

create index schedule_ledger_live_by_send_at
  on app_private.schedule_ledger (campaign_id, send_at)
  where status not in ('cancelled', 'sent');

-- History, oldest send time first: what maintenance_prune ('ledger_history')
-- walks, so pruning never scans the live rows.
create index schedule_ledger_history_by_send_at
  on app_private.schedule_ledger (send_at)
  where status in ('cancelled', 'sent');

-- Every create attempt of a row, by guard key: what the delivery guard
-- consults at send time. A Braze create cannot be made idempotent and Braze
-- does not list API-triggered schedules, so a create whose answer was lost is
-- made again under a new key; the earlier schedule may exist as well. Each
-- attempt is
--   pending    outcome unknown or not yet settled: its schedule may exist
--   confirmed  Braze answered with the schedule it made
--   failed     Braze certainly did not make it (or the schedule is gone)
--   superseded another attempt of the row was confirmed after it
-- and only pending and confirmed keys may claim the row's delivery.
create table app_private.schedule_attempts (
  guard_key  uuid primary key,
  ledger_id  bigint not null references app_private.schedule_ledger (id) on delete cascade,
  state      text not null default 'pending' check (state in ('pending', 'confirmed', 'failed', 'superseded')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index schedule_attempts_by_row on app_private.schedule_attempts (ledger_id);
alter table app_private.schedule_attempts enable row level security;

-- The one lease that fences writes to a campaign's rows. Derived here, so a
-- live token of any other lease (the token sequence is shared by every job)
-- can never pass for the campaign's. The scheduler's TypeScript leaseNameFor
-- gives the same name.
create function app_private.braze_campaign_lease(p_campaign_id text)
returns text
language sql
immutable
set search_path = ''
as $$
  select 'braze:campaign:' || p_campaign_id;
$$;

-- Guard: fencing scoped to the resource. The write names the lease it is
-- fenced by; anything but the campaign's own lease, or a token that is not
-- that lease's live token, is refused as lease_lost.
create function app_private.assert_campaign_lease(p_lease text, p_token bigint, p_campaign_id text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  if p_lease is distinct from app_private.braze_campaign_lease(p_campaign_id) then
    raise exception using errcode = 'PT409', hint = 'lease_lost',
      message = format('lease lost: %L does not fence campaign %L (its lease is %L)',
                       p_lease, p_campaign_id, app_private.braze_campaign_lease(p_campaign_id));
  end if;
  perform app_private.assert_job_lease(app_private.braze_campaign_lease(p_campaign_id), p_token);
end;
$$;

alter table app_private.schedule_ledger enable row level security;

create function public.ledger_load(p_campaign_id text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  -- Everything the scheduler needs to plan, in one round trip: every live row
  -- whose send time has not passed, plus every unresolved row whatever its
  -- time (a crash may have left one behind), and the database clock.
  select jsonb_build_object(
    'now', now(),
    'rows', coalesce(jsonb_agg(to_jsonb(l) - 'previous' order by l.send_at, l.match_id), '[]'::jsonb)
  )
  from app_private.schedule_ledger l
  where l.campaign_id = p_campaign_id
    and l.status not in ('cancelled', 'sent')
    and (l.send_at > now() or l.status in ('creating', 'updating', 'cancelling', 'uncertain'));
$$;

create function public.ledger_begin(p_lease text, p_token bigint, p_campaign_id text, p_intents jsonb,
                                    p_outcomes jsonb default '[]'::jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- Writes intents, one result per intent in the same order. An intent that
-- cannot be applied (a stale version, a row that moved on, a second live row
-- for the match) is reported as {status: 'conflict'} and the rest of the batch
-- is still written: one bad item must not hold back every other match.
--
-- p_outcomes: the previous batch's answered calls (ledger_settle's items),
-- settled first in the same transaction. The scheduler writes a batch's
-- intents right before its calls, so settling the batch before in the same
-- round trip means a crash leaves in an intermediate state only the calls of
-- the batch in flight (at most the run's Braze concurrency), never answered
-- calls whose outcomes were still waiting for a separate settle.
declare
  v_intent jsonb;
  v_action text;
  v_row    app_private.schedule_ledger;
  v_out    jsonb := '[]'::jsonb;
begin
  perform app_private.assert_campaign_lease(p_lease, p_token, p_campaign_id);

  if jsonb_typeof(p_intents) is distinct from 'array' then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'ledger_begin: p_intents must be a JSON array';
  end if;

  if p_outcomes is not null and p_outcomes <> '[]'::jsonb then
    perform public.ledger_settle(p_lease, p_token, p_campaign_id, p_outcomes);
  end if;

  -- Rows whose send time passed (database clock) leave the live set: a
  -- scheduled row's push went out (sent); a failed row's time is gone
  -- (cancelled). ledger_load no longer returns them, so without this a
  -- re-dated match could never get a live row again.
  -- Guard: a failed row is retired only once the guard's largest tolerance
  -- (1,199 s) has passed. A sent row still lets its schedule claim the
  -- delivery; a cancelled one does not, and a failed row may still have a
  -- schedule: an earlier create of unknown outcome, made again and then
  -- refused, leaves its key pending, and its schedule, if Braze made it,
  -- asks the guard at the send time.
  update app_private.schedule_ledger
     set status = case when status = 'scheduled' then 'sent' else 'cancelled' end,
         version = version + 1, updated_at = now()
   where campaign_id = p_campaign_id and fencing_token <= p_token
     and ((status = 'scheduled' and send_at <= now())
          or (status = 'failed' and send_at <= now() - interval '20 minutes'));

  for v_intent in select value from jsonb_array_elements(p_intents) loop
    v_action := v_intent ->> 'action';
    v_row := null;

    if v_action = 'create' and v_intent ->> 'id' is null then
      -- Guard: the partial unique index turns a second live row for the match
      -- into unique_violation (23505); the subtransaction keeps it to this item.
      begin
        insert into app_private.schedule_ledger
          (campaign_id, match_id, status, attempt_id, guard_key, signature, send_at, kickoff_at, message, fencing_token)
        values (p_campaign_id, (v_intent ->> 'match_id')::bigint, 'creating', (v_intent ->> 'attempt_id')::uuid,
                (v_intent ->> 'attempt_id')::uuid, v_intent ->> 'signature', (v_intent ->> 'send_at')::timestamptz,
                (v_intent ->> 'kickoff_at')::timestamptz, coalesce(v_intent -> 'message', '{}'::jsonb), p_token)
        returning * into v_row;
      exception when unique_violation then
        v_row := null;
      end;
    elsif v_action = 'create' then
      -- Reviving a row whose create failed: same row, fresh attempt.
      update app_private.schedule_ledger
         set status = 'creating', version = version + 1, attempt_id = (v_intent ->> 'attempt_id')::uuid,
             guard_key = (v_intent ->> 'attempt_id')::uuid,
             signature = v_intent ->> 'signature', send_at = (v_intent ->> 'send_at')::timestamptz,
             kickoff_at = (v_intent ->> 'kickoff_at')::timestamptz,
             message = coalesce(v_intent -> 'message', '{}'::jsonb),
             braze_schedule_id = null, previous = null, last_error = null,
             fencing_token = p_token, updated_at = now()
       where id = (v_intent ->> 'id')::bigint and campaign_id = p_campaign_id
         and version = (v_intent ->> 'version')::integer and status = 'failed'
         and fencing_token <= p_token
      returning * into v_row;

    elsif v_action = 'update' then
      update app_private.schedule_ledger
         set status = 'updating', version = version + 1, attempt_id = (v_intent ->> 'attempt_id')::uuid,
             previous = jsonb_build_object('signature', signature, 'send_at', send_at,
                                           'kickoff_at', kickoff_at, 'message', message,
                                           'attempt_id', attempt_id),
             signature = v_intent ->> 'signature', send_at = (v_intent ->> 'send_at')::timestamptz,
             kickoff_at = (v_intent ->> 'kickoff_at')::timestamptz,
             message = coalesce(v_intent -> 'message', '{}'::jsonb),
             last_error = null, fencing_token = p_token, updated_at = now()
       where id = (v_intent ->> 'id')::bigint and campaign_id = p_campaign_id
         and version = (v_intent ->> 'version')::integer and status = 'scheduled'
         and fencing_token <= p_token
      returning * into v_row;

    elsif v_action = 'replace' then
      -- What the push says changed: a new schedule under a new guard key.
      -- The old schedule stays the row's braze_schedule_id (and in previous)
      -- until the new one is confirmed; a refused create restores it.
      update app_private.schedule_ledger
         set status = 'creating', version = version + 1, attempt_id = (v_intent ->> 'attempt_id')::uuid,
             guard_key = (v_intent ->> 'attempt_id')::uuid,
             previous = jsonb_build_object('signature', signature, 'send_at', send_at,
                                           'kickoff_at', kickoff_at, 'message', message,
                                           'attempt_id', attempt_id, 'guard_key', guard_key),
             signature = v_intent ->> 'signature', send_at = (v_intent ->> 'send_at')::timestamptz,
             kickoff_at = (v_intent ->> 'kickoff_at')::timestamptz,
             message = coalesce(v_intent -> 'message', '{}'::jsonb),
             last_error = null, fencing_token = p_token, updated_at = now()
       where id = (v_intent ->> 'id')::bigint and campaign_id = p_campaign_id
         and version = (v_intent ->> 'version')::integer and status = 'scheduled'
         and fencing_token <= p_token
      returning * into v_row;

    elsif v_action = 'retry_create' then
      -- A create whose outcome is unknown (in flight at a crash, or
      -- unanswered), made again under a new guard key. Its earlier attempts
      -- stay eligible at the guard until one is confirmed, so whichever of
      -- their schedules exists delivers, and only once. The scheduler sends
      -- the feed's current target (a re-dated or renamed match must not wait
      -- for the unknown create to resolve); an earlier attempt's schedule, if
      -- Braze has it, fires at its old time and the guard refuses it as far
      -- from the row's send_at. Reconcile sends no target: the row keeps its own.
      update app_private.schedule_ledger
         set status = 'creating', uncertain_op = null, version = version + 1,
             attempt_id = (v_intent ->> 'attempt_id')::uuid, guard_key = (v_intent ->> 'attempt_id')::uuid,
             signature = coalesce(v_intent ->> 'signature', signature),
             send_at = coalesce((v_intent ->> 'send_at')::timestamptz, send_at),
             kickoff_at = coalesce((v_intent ->> 'kickoff_at')::timestamptz, kickoff_at),
             message = coalesce(v_intent -> 'message', message),
             last_error = null, fencing_token = p_token, updated_at = now()
       where id = (v_intent ->> 'id')::bigint and campaign_id = p_campaign_id
         and version = (v_intent ->> 'version')::integer
         and (status = 'creating' or (status = 'uncertain' and uncertain_op = 'create'))
         and fencing_token <= p_token
      returning * into v_row;

    elsif v_action = 'recreate' then
      -- Reconcile found the row's schedule gone from Braze: create it again,
      -- on the same row, with a fresh attempt.
      update app_private.schedule_ledger
         set status = 'creating', version = version + 1, attempt_id = (v_intent ->> 'attempt_id')::uuid,
             guard_key = (v_intent ->> 'attempt_id')::uuid,
             braze_schedule_id = null, previous = null, last_error = 'schedule missing from Braze; recreating',
             fencing_token = p_token, updated_at = now()
       where id = (v_intent ->> 'id')::bigint and campaign_id = p_campaign_id
         and version = (v_intent ->> 'version')::integer and status = 'scheduled'
         and fencing_token <= p_token
      returning * into v_row;

    elsif v_action = 'cancel' then
      -- A failed row owns nothing at Braze: it is cancelled without a call.
      -- So is a create whose outcome is unknown (uncertain, or left creating
      -- by a crash) and that holds no schedule id: there is no id to delete
      -- (Braze cannot list API-triggered schedules), and once the row is
      -- cancelled the guard refuses every key of the match, so a schedule
      -- that may exist aborts at send time. Waiting for the unknown create to
      -- resolve would let a removed match deliver at its old time.
      update app_private.schedule_ledger
         set status = case when status = 'scheduled' then 'cancelling' else 'cancelled' end,
             uncertain_op = null,
             version = version + 1, last_error = null, fencing_token = p_token, updated_at = now()
       where id = (v_intent ->> 'id')::bigint and campaign_id = p_campaign_id
         and version = (v_intent ->> 'version')::integer
         and (status in ('scheduled', 'failed')
              or (braze_schedule_id is null
                  and (status = 'creating' or (status = 'uncertain' and uncertain_op = 'create'))))
         and fencing_token <= p_token
      returning * into v_row;

    else
      raise exception using errcode = 'PT400', hint = 'invalid_input',
        message = format('ledger_begin: unknown action %L', v_action);
    end if;

    -- Guard: compare-and-set. A stale version (or a row that moved on) is a
    -- conflict for this item only: nothing of it is written, the caller
    -- re-plans that match on its next run.
    if v_row.id is null then
      v_out := v_out || jsonb_build_object('match_id', (v_intent ->> 'match_id')::bigint,
                                           'id', (v_intent ->> 'id')::bigint, 'status', 'conflict',
                                           'error', format('%s of match %s lost a compare-and-set (row %s, version %s)',
                                                           v_action, v_intent ->> 'match_id', v_intent ->> 'id', v_intent ->> 'version'));
      continue;
    end if;

    -- Every create attempt is recorded before its call starts, so the guard
    -- knows each key that may reach Braze.
    if v_action in ('create', 'replace', 'retry_create', 'recreate') then
      insert into app_private.schedule_attempts (guard_key, ledger_id) values (v_row.guard_key, v_row.id);
    end if;

    -- A content change: from now on the old text must not deliver. Its
    -- schedule stays at Braze until the new one exists, and if the new
    -- create goes unanswered the old one would otherwise stay eligible at the
    -- guard. A refused replacement confirms the old key again (ledger_settle).
    if v_action = 'replace' then
      update app_private.schedule_attempts set state = 'superseded', updated_at = now()
       where ledger_id = v_row.id and guard_key <> v_row.guard_key and state in ('pending', 'confirmed');
    end if;

    v_out := v_out || jsonb_build_object('match_id', v_row.match_id, 'id', v_row.id,
                                         'version', v_row.version, 'status', v_row.status,
                                         'attempt_id', v_row.attempt_id, 'guard_key', v_row.guard_key);
  end loop;

  return v_out;
end;
$$;

create function public.ledger_settle(p_lease text, p_token bigint, p_campaign_id text, p_results jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
-- Settles the outcome of Braze calls (from the scheduler) or of a resolution
-- (from reconcile). Outcomes:
--   ok        the operation took effect: creating/updating -> scheduled (with
--             the schedule id Braze answered), cancelling -> cancelled
--   failed    Braze certainly did not apply it (or the call was never
--             started): a create -> failed (a later run revives it); a
--             rejected update leaves the last confirmed schedule ->
--             scheduled; a cancel stays cancelling (see below)
--   uncertain the outcome is unknown (timeout after sending) -> uncertain
--   lost      Braze no longer has the row's schedule (deleted outside, or an
--             update answered "not found") -> failed with no schedule id, so
--             the next run creates it again
-- An uncertain row settles as the operation it was uncertain about.
declare
  v_result  jsonb;
  v_outcome text;
  v_row     app_private.schedule_ledger;
  v_from    text;
  v_applied integer := 0;
  v_stale   jsonb := '[]'::jsonb;
begin
  perform app_private.assert_campaign_lease(p_lease, p_token, p_campaign_id);

  if jsonb_typeof(p_results) is distinct from 'array' then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'ledger_settle: p_results must be a JSON array';
  end if;

  for v_result in select value from jsonb_array_elements(p_results) loop
    v_outcome := v_result ->> 'outcome';
    if v_outcome is null or v_outcome not in ('ok', 'failed', 'uncertain', 'lost') then
      raise exception using errcode = 'PT400', hint = 'invalid_input',
        message = format('ledger_settle: outcome must be ok, failed, uncertain or lost (got %L)', v_outcome);
    end if;

    -- Guard: compare-and-set on the version the intent was written with, and
    -- only an unresolved row can be settled. A stale item is reported, not
    -- applied, and the rest of the batch still lands.
    select * into v_row
      from app_private.schedule_ledger
     where id = (v_result ->> 'id')::bigint
       and campaign_id = p_campaign_id
       and version = (v_result ->> 'version')::integer
       and status in ('creating', 'updating', 'cancelling', 'uncertain')
       and fencing_token <= p_token
       for update;
    if v_row.id is null then
      v_stale := v_stale || to_jsonb((v_result ->> 'id')::bigint);
      continue;
    end if;

    v_from := case when v_row.status <> 'uncertain' then v_row.status
                   else case v_row.uncertain_op when 'create' then 'creating'
                                                when 'update' then 'updating'
                                                else 'cancelling' end end;

    if v_outcome = 'uncertain' then
      v_row.uncertain_op := case v_from when 'creating' then 'create' when 'updating' then 'update' else 'cancel' end;
      v_row.status := 'uncertain';
    elsif v_outcome = 'ok' then
      v_row.status := case when v_from = 'cancelling' then 'cancelled' else 'scheduled' end;
      if v_from in ('creating', 'updating') then
        v_row.braze_schedule_id := coalesce(v_result ->> 'braze_schedule_id', v_row.braze_schedule_id);
      end if;
    elsif v_outcome = 'lost' then
      v_row.status := 'failed';
      v_row.braze_schedule_id := null;
    elsif v_from = 'creating' and v_row.previous is not null then
      -- A refused replacement: the schedule it would have replaced stands.
      v_row.status     := 'scheduled';
      v_row.signature  := v_row.previous ->> 'signature';
      v_row.send_at    := (v_row.previous ->> 'send_at')::timestamptz;
      v_row.kickoff_at := (v_row.previous ->> 'kickoff_at')::timestamptz;
      v_row.message    := v_row.previous -> 'message';
    elsif v_from = 'creating' then
      v_row.status := 'failed';
    elsif v_from = 'cancelling' then
      -- Guard: a cancel Braze refused (a 429) or that was never sent keeps
      -- its intent. Back to scheduled, the match's key would be deliverable
      -- again, and a run may not come before its send time to cancel it once
      -- more (a postponed match would be announced). Cancelling, the guard
      -- refuses every key of the match and reconcile repeats the delete
      -- ("not found" counts as done).
      v_row.status := 'cancelling';
    else
      v_row.status := 'scheduled';
      if v_from = 'updating' and v_row.previous is not null then
        -- Braze still has the previous target; the ledger says so again.
        v_row.signature  := v_row.previous ->> 'signature';
        v_row.send_at    := (v_row.previous ->> 'send_at')::timestamptz;
        v_row.kickoff_at := (v_row.previous ->> 'kickoff_at')::timestamptz;
        v_row.message    := v_row.previous -> 'message';
      end if;
    end if;

    -- What the guard may accept from now on. A confirmed create supersedes
    -- every other attempt of the row; a refused create, or a schedule found
    -- gone, can never deliver.
    if v_from = 'creating' and v_outcome = 'ok' then
      update app_private.schedule_attempts
         set state = case when guard_key = v_row.guard_key then 'confirmed' else 'superseded' end,
             updated_at = now()
       where ledger_id = v_row.id and state in ('pending', 'confirmed');
    elsif (v_from = 'creating' and v_outcome = 'failed') or v_outcome = 'lost' then
      update app_private.schedule_attempts set state = 'failed', updated_at = now()
       where guard_key = v_row.guard_key;
    end if;
    -- A refused replacement: the old schedule, still at Braze, is the
    -- match's again, so its key (superseded when the replace began) may
    -- deliver again.
    if v_from = 'creating' and v_outcome = 'failed' and v_row.previous ->> 'guard_key' is not null then
      update app_private.schedule_attempts set state = 'confirmed', updated_at = now()
       where guard_key = (v_row.previous ->> 'guard_key')::uuid and state = 'superseded';
    end if;

    update app_private.schedule_ledger
       set status = v_row.status,
           uncertain_op = case when v_row.status = 'uncertain' then v_row.uncertain_op end,
           braze_schedule_id = v_row.braze_schedule_id,
           signature = v_row.signature, send_at = v_row.send_at,
           kickoff_at = v_row.kickoff_at, message = v_row.message,
           guard_key = case when v_from = 'creating' and v_outcome = 'failed' and v_row.previous is not null
                            then (v_row.previous ->> 'guard_key')::uuid else v_row.guard_key end,
           previous = case when v_row.status = 'uncertain' then v_row.previous end,
           last_error = left(v_result ->> 'error', 2000),
           version = version + 1, fencing_token = p_token, updated_at = now()
     where id = v_row.id;
    v_applied := v_applied + 1;
  end loop;

  return jsonb_build_object('applied', v_applied, 'stale', v_stale);
end;
$$;

create function public.ledger_load_unresolved(p_campaign_id text, p_older_than_seconds integer)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  -- Rows a crash or an unknown outcome left between states, untouched for
  -- longer than the grace period (database clock), and every live row, so
  -- reconcile can tell owned schedules from orphans in the same snapshot.
  select jsonb_build_object(
    'now', now(),
    'unresolved', coalesce(jsonb_agg(to_jsonb(l) - 'previous' order by l.id)
                    filter (where l.status in ('creating', 'updating', 'cancelling', 'uncertain')
                              and l.updated_at < now() - make_interval(secs => p_older_than_seconds)), '[]'::jsonb),
    'live', coalesce(jsonb_agg((to_jsonb(l) - 'previous')
                               || jsonb_build_object('previous_attempt_id', l.previous ->> 'attempt_id')
                     order by l.id), '[]'::jsonb)
  )
  from app_private.schedule_ledger l
  where l.campaign_id = p_campaign_id
    and l.status not in ('cancelled', 'sent')
    and (l.send_at > now() - interval '1 day' or l.status in ('creating', 'updating', 'cancelling', 'uncertain'));
$$;

-- Braze schedules of the campaign that no live ledger row owns, with when
-- reconcile first saw each. An orphan is cancelled only once it has been seen
-- for longer than the grace period: a listing may lag behind writes, and a
-- create still in flight may not have been adopted yet.
create table app_private.braze_orphan_sightings (
  campaign_id   text not null,
  schedule_id   text not null,
  attempt_id    text,
  first_seen_at timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  primary key (campaign_id, schedule_id)
);
alter table app_private.braze_orphan_sightings enable row level security;

create function public.ledger_record_orphans(p_lease text, p_token bigint, p_campaign_id text, p_orphans jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform app_private.assert_campaign_lease(p_lease, p_token, p_campaign_id);
  if jsonb_typeof(p_orphans) is distinct from 'array' then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'ledger_record_orphans: p_orphans must be a JSON array';
  end if;

  -- Forget sightings that are no longer orphans (adopted, or gone from Braze).
  delete from app_private.braze_orphan_sightings s
   where s.campaign_id = p_campaign_id
     and not exists (select from jsonb_array_elements(p_orphans) o where o ->> 'schedule_id' = s.schedule_id);

  insert into app_private.braze_orphan_sightings as s (campaign_id, schedule_id, attempt_id)
  select p_campaign_id, o ->> 'schedule_id', o ->> 'attempt_id'
    from jsonb_array_elements(p_orphans) o
  on conflict (campaign_id, schedule_id) do update set last_seen_at = now();

  return coalesce((
    select jsonb_agg(jsonb_build_object('schedule_id', s.schedule_id,
                                        'seen_for_seconds', extract(epoch from now() - s.first_seen_at)))
      from app_private.braze_orphan_sightings s
     where s.campaign_id = p_campaign_id), '[]'::jsonb);
end;
$$;

-- The delivery guard. The campaign's push template asks braze-send-guard,
-- through Braze Connected Content at send time, with the guard key its
-- schedule carries; the push is aborted unless the answer says send. Braze
-- asks once per recipient (less what its cache answers), so the first ask of
-- a key decides and every later ask with the same key must get the same yes.
--
-- One indexed read (attempt by primary key, its row by primary key) answers
-- every ask after the first; the first eligible ask claims the delivery with
-- one conditional update. So when two attempts of a match both exist at
-- Braze (a create whose answer was lost, made again), exactly one delivers.
create function public.braze_send_guard(p_key uuid, p_tolerance_seconds integer default 600)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_state        text;
  v_ledger_id    bigint;
  v_status       text;
  v_uncertain_op text;
  v_send_at      timestamptz;
  v_delivered_by uuid;
  v_claimed      uuid;
begin
  if p_key is null or p_tolerance_seconds is null or p_tolerance_seconds < 0 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'braze_send_guard: a key and a non-negative tolerance are required';
  end if;

  select a.state, l.id, l.status, l.uncertain_op, l.send_at, l.delivered_by
    into v_state, v_ledger_id, v_status, v_uncertain_op, v_send_at, v_delivered_by
    from app_private.schedule_attempts a
    join app_private.schedule_ledger l on l.id = a.ledger_id
   where a.guard_key = p_key;

  -- Guard: a key the ledger never wrote was never sent to Braze by this
  -- project (every attempt is recorded before its call starts).
  if v_ledger_id is null then
    return jsonb_build_object('send', false, 'reason', 'unknown key');
  end if;

  -- Guard: the delivery is claimed once per match. The claiming key keeps
  -- its yes for every later recipient; any other key is a duplicate.
  if v_delivered_by = p_key then
    return jsonb_build_object('send', true, 'reason', 'delivery claimed by this key');
  elsif v_delivered_by is not null then
    return jsonb_build_object('send', false, 'reason', 'another schedule of this match delivered');
  end if;

  -- Guard: an attempt Braze refused (or whose schedule is gone) and one a
  -- confirmed attempt replaced are not the match's schedule.
  if v_state = 'failed' then
    return jsonb_build_object('send', false, 'reason', 'attempt failed');
  elsif v_state = 'superseded' then
    return jsonb_build_object('send', false, 'reason', 'attempt superseded');
  end if;

  -- Guard: a cancelled match (or one being cancelled) is not announced, even
  -- by a schedule whose delete has not reached Braze.
  if v_status in ('cancelled', 'cancelling') then
    return jsonb_build_object('send', false, 'reason', 'match cancelled');
  end if;

  -- Guard: nor one whose delete went unanswered (uncertain about its
  -- cancel): the ledger still means to cancel it, and the schedule fires if
  -- the delete never landed.
  if v_uncertain_op = 'cancel' then
    return jsonb_build_object('send', false, 'reason', 'match cancelled');
  end if;

  -- Guard: the schedule fires when the ledger says, on the database's clock.
  -- A schedule whose move never reached Braze fires at its old time and is
  -- refused: the scheduler moves a schedule by update only when the move
  -- exceeds the tolerance by a minute; a smaller move is a new schedule
  -- under a new key, which supersedes the old key.
  if abs(extract(epoch from now() - v_send_at)) > p_tolerance_seconds then
    return jsonb_build_object('send', false, 'reason', 'not the send time');
  end if;

  -- Guard: the claim. One conditional update: of two keys asking at once,
  -- the second waits for the first's row lock, then finds delivered_by set
  -- (Read Committed re-checks the condition on the new row version) and
  -- claims nothing. The row becomes sent: terminal, out of the live index.
  update app_private.schedule_ledger
     set status = 'sent', uncertain_op = null, delivered_by = p_key, delivered_at = now(),
         version = version + 1, updated_at = now()
   where id = v_ledger_id and delivered_by is null and status not in ('cancelled', 'cancelling')
     and uncertain_op is distinct from 'cancel'
  returning delivered_by into v_claimed;

  if v_claimed is not null then
    return jsonb_build_object('send', true, 'reason', 'delivery claimed');
  end if;

  -- Lost the claim to a concurrent ask (or a cancellation): a fresh
  -- statement sees who won.
  select l.delivered_by into v_delivered_by from app_private.schedule_ledger l where l.id = v_ledger_id;
  if v_delivered_by = p_key then
    return jsonb_build_object('send', true, 'reason', 'delivery claimed by this key');
  end if;
  return jsonb_build_object('send', false,
    'reason', case when v_delivered_by is null then 'match cancelled' else 'another schedule of this match delivered' end);
end;
$$;
