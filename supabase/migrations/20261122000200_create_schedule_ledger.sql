-- The schedule ledger: what this project believes Braze has scheduled, one row
-- per (campaign, match) attempt, with an explicit status.
--
--   creating -> scheduled -> updating -> scheduled ... -> cancelling -> cancelled
--   creating -> failed (Braze said no; a later run may revive the row)
--   creating | updating | cancelling -> uncertain (the call's outcome is unknown:
--                                       a timeout after the request was sent)
--
-- The intent (creating/updating/cancelling, with a fresh attempt_id) is written
-- BEFORE the Braze call and the attempt id travels to Braze inside
-- trigger_properties, so a crash between the call and the confirmation leaves
-- a row that reconcile can match to the outside schedule. Every transition is
-- a compare-and-set on `version` and is fenced by the caller's lease token.
--
-- The old design kept 'pending-<uuid>' strings in the schedule-id column and
-- deleted "duplicates" after each run by comparing Braze with the ledger; seed
-- 001 scenario 6 shows that sweep deleting the schedule the ledger had just
-- adopted. Here there is no sweep: the unique index below makes a second live
-- row impossible, and the lease makes a second writer impossible.

create table public.schedule_ledger (
  id                bigint generated always as identity primary key,
  campaign_id       text not null check (length(campaign_id) between 1 and 200),
  match_id          bigint not null,
  status            text not null check (status in
                      ('creating', 'scheduled', 'updating', 'cancelling', 'cancelled', 'failed', 'uncertain')),
  version           integer not null default 1,
  attempt_id        uuid not null,
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
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  constraint schedule_ledger_scheduled_has_id
    check (status not in ('scheduled', 'updating', 'cancelling') or braze_schedule_id is not null),
  constraint schedule_ledger_uncertain_has_op
    check ((status = 'uncertain') = (uncertain_op is not null))
);

comment on table public.schedule_ledger is
  'What Braze has (or is being asked to have) per campaign and match. Written only through the ledger_* functions, fenced by the job lease.';

-- Guard: at most one live row per (campaign, match). A cancelled row is
-- history; every other status owns (or may own) a Braze schedule.
create unique index schedule_ledger_one_live_row
  on public.schedule_ledger (campaign_id, match_id)
  where status <> 'cancelled';

-- Guard: one Braze schedule belongs to at most one live row.
create unique index schedule_ledger_one_owner_per_schedule
  on public.schedule_ledger (campaign_id, braze_schedule_id)
  where status <> 'cancelled' and braze_schedule_id is not null;

create index schedule_ledger_live_by_send_at
  on public.schedule_ledger (campaign_id, send_at)
  where status <> 'cancelled';

alter table public.schedule_ledger enable row level security;

create function public.ledger_load(p_campaign_id text)
returns jsonb
language sql
stable
set search_path = ''
as $$
  -- Everything the scheduler needs to plan, in one round trip: every live row
  -- whose send time has not passed, plus every unresolved row whatever its
  -- time (a crash may have left one behind), and the database clock.
  select jsonb_build_object(
    'now', now(),
    'rows', coalesce(jsonb_agg(to_jsonb(l) - 'previous' order by l.send_at, l.match_id), '[]'::jsonb)
  )
  from public.schedule_ledger l
  where l.campaign_id = p_campaign_id
    and l.status <> 'cancelled'
    and (l.send_at > now() or l.status in ('creating', 'updating', 'cancelling', 'uncertain'));
$$;

create function public.ledger_begin(p_lease text, p_token bigint, p_campaign_id text, p_intents jsonb)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_intent jsonb;
  v_action text;
  v_row    public.schedule_ledger;
  v_out    jsonb := '[]'::jsonb;
begin
  perform public.assert_job_lease(p_lease, p_token);

  if jsonb_typeof(p_intents) is distinct from 'array' then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'ledger_begin: p_intents must be a JSON array';
  end if;

  for v_intent in select value from jsonb_array_elements(p_intents) loop
    v_action := v_intent ->> 'action';
    v_row := null;

    if v_action = 'create' and v_intent ->> 'id' is null then
      -- Guard: the partial unique index turns a second live row for the match
      -- into unique_violation (23505), which rolls back the whole batch.
      insert into public.schedule_ledger
        (campaign_id, match_id, status, attempt_id, signature, send_at, kickoff_at, message, fencing_token)
      values (p_campaign_id, (v_intent ->> 'match_id')::bigint, 'creating', (v_intent ->> 'attempt_id')::uuid,
              v_intent ->> 'signature', (v_intent ->> 'send_at')::timestamptz,
              (v_intent ->> 'kickoff_at')::timestamptz, coalesce(v_intent -> 'message', '{}'::jsonb), p_token)
      returning * into v_row;

    elsif v_action = 'create' then
      -- Reviving a row whose create failed: same row, fresh attempt.
      update public.schedule_ledger
         set status = 'creating', version = version + 1, attempt_id = (v_intent ->> 'attempt_id')::uuid,
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
      update public.schedule_ledger
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

    elsif v_action = 'cancel' then
      -- A failed row owns nothing at Braze: it is cancelled without a call.
      update public.schedule_ledger
         set status = case when status = 'failed' then 'cancelled' else 'cancelling' end,
             version = version + 1, last_error = null, fencing_token = p_token, updated_at = now()
       where id = (v_intent ->> 'id')::bigint and campaign_id = p_campaign_id
         and version = (v_intent ->> 'version')::integer and status in ('scheduled', 'failed')
         and fencing_token <= p_token
      returning * into v_row;

    else
      raise exception using errcode = 'PT400', hint = 'invalid_input',
        message = format('ledger_begin: unknown action %L', v_action);
    end if;

    -- Guard: compare-and-set. A stale version (or a row that moved on) aborts
    -- the batch: nothing of it is written, and the caller re-plans.
    if v_row.id is null then
      raise exception using errcode = 'PT409', hint = 'conflict',
        message = format('ledger_begin: %s of match %s lost a compare-and-set (row %s, version %s)',
                         v_action, v_intent ->> 'match_id', v_intent ->> 'id', v_intent ->> 'version');
    end if;

    v_out := v_out || jsonb_build_object('match_id', v_row.match_id, 'id', v_row.id,
                                         'version', v_row.version, 'status', v_row.status,
                                         'attempt_id', v_row.attempt_id);
  end loop;

  return v_out;
end;
$$;

create function public.ledger_settle(p_lease text, p_token bigint, p_results jsonb)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_result  jsonb;
  v_outcome text;
  v_row     public.schedule_ledger;
  v_applied integer := 0;
  v_stale   jsonb := '[]'::jsonb;
begin
  perform public.assert_job_lease(p_lease, p_token);

  if jsonb_typeof(p_results) is distinct from 'array' then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'ledger_settle: p_results must be a JSON array';
  end if;

  for v_result in select value from jsonb_array_elements(p_results) loop
    v_outcome := v_result ->> 'outcome';
    if v_outcome is null or v_outcome not in ('ok', 'failed', 'uncertain') then
      raise exception using errcode = 'PT400', hint = 'invalid_input',
        message = format('ledger_settle: outcome must be ok, failed or uncertain (got %L)', v_outcome);
    end if;
    v_row := null;

    -- Guard: compare-and-set on the version the intent was written with; only
    -- an intermediate row can be settled. A stale item is reported, not
    -- applied, and the rest of the batch still lands.
    update public.schedule_ledger l
       set status = case
             when v_outcome = 'uncertain' then 'uncertain'
             when v_outcome = 'ok' and l.status = 'cancelling' then 'cancelled'
             when v_outcome = 'ok' then 'scheduled'
             when l.status = 'creating' then 'failed'
             else 'scheduled' -- a rejected update or cancel leaves the last confirmed schedule
           end,
           uncertain_op = case when v_outcome = 'uncertain' then
             case l.status when 'creating' then 'create' when 'updating' then 'update' else 'cancel' end
           end,
           braze_schedule_id = case
             when v_outcome = 'ok' and l.status in ('creating', 'updating')
               then coalesce(v_result ->> 'braze_schedule_id', l.braze_schedule_id)
             else l.braze_schedule_id
           end,
           -- A rejected update restores the target Braze still has.
           signature  = case when v_outcome = 'failed' and l.status = 'updating'
                             then l.previous ->> 'signature' else l.signature end,
           send_at    = case when v_outcome = 'failed' and l.status = 'updating'
                             then (l.previous ->> 'send_at')::timestamptz else l.send_at end,
           kickoff_at = case when v_outcome = 'failed' and l.status = 'updating'
                             then (l.previous ->> 'kickoff_at')::timestamptz else l.kickoff_at end,
           message    = case when v_outcome = 'failed' and l.status = 'updating'
                             then l.previous -> 'message' else l.message end,
           previous   = case when v_outcome = 'uncertain' then l.previous end,
           last_error = left(v_result ->> 'error', 2000),
           version = l.version + 1, fencing_token = p_token, updated_at = now()
     where l.id = (v_result ->> 'id')::bigint
       and l.version = (v_result ->> 'version')::integer
       and l.status in ('creating', 'updating', 'cancelling')
       and l.fencing_token <= p_token
    returning l.* into v_row;

    if v_row.id is null then
      v_stale := v_stale || to_jsonb((v_result ->> 'id')::bigint);
    else
      v_applied := v_applied + 1;
    end if;
  end loop;

  return jsonb_build_object('applied', v_applied, 'stale', v_stale);
end;
$$;

revoke all on table public.schedule_ledger from public, anon, authenticated;
grant select on table public.schedule_ledger to service_role;

revoke all on function
  public.ledger_load(text),
  public.ledger_begin(text, bigint, text, jsonb),
  public.ledger_settle(text, bigint, jsonb)
from public, anon, authenticated;

grant execute on function
  public.ledger_load(text),
  public.ledger_begin(text, bigint, text, jsonb),
  public.ledger_settle(text, bigint, jsonb)
to service_role;
