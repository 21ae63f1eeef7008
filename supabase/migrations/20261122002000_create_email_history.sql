-- Email history from Resend webhooks: exact open and click counts under
-- concurrent, repeated and out-of-order deliveries.
--
-- The naive design has two bugs this replaces: clicks kept in a JSONB
-- array that the application read, appended to and wrote back (two concurrent
-- clicks: one is lost), and an application-side "if opened_at is null then
-- set it" (a later open overwrites the first-open time). Here:
--
--   * every delivery is recorded by its svix-id first, and only a new svix-id
--     applies its event, so Resend's retries (same svix-id, immediately, 5 s,
--     5 min ... 10 h) are counted once;
--   * the event is applied with one INSERT ... ON CONFLICT DO UPDATE whose
--     every assignment commutes: counts are increments, first times are
--     least(), last times greatest(), status takes the higher rank. Deliveries
--     can arrive in any order and the row ends up the same;
--   * individual clicks are rows of email_clicks, appended, never rewritten;
--     per-link counts are a GROUP BY over them.
--
-- No locks or isolation level are needed beyond what the upsert takes: the row
-- lock of ON CONFLICT DO UPDATE serialises concurrent events on one email, and
-- each sees the row as the previous one committed it.

create table app_private.resend_webhook_deliveries (
  svix_id     text primary key check (length(svix_id) between 1 and 200),
  event_type  text not null check (length(event_type) between 1 and 200),
  -- Null for event types that are not about one email (unknown types are kept).
  email_id    text check (length(email_id) between 1 and 200),
  occurred_at timestamptz,
  received_at timestamptz not null default now(),
  -- The verified body, for audit and for replaying unknown event types later.
  -- Nulled when the recipient is forgotten (forget_email_recipients), never
  -- stored for a delivery about a forgotten recipient, and, for an event type
  -- this project does not apply, nulled once payload_expires_at passes.
  payload     jsonb,
  -- Set for unknown event types only: now() + email_privacy_settings.unknown_payload_retention.
  payload_expires_at timestamptz
);
comment on table app_private.resend_webhook_deliveries is
  'One row per Resend webhook delivery, keyed by svix-id: a redelivery finds its row and changes nothing.';
create index resend_webhook_deliveries_email_id on app_private.resend_webhook_deliveries (email_id);
-- Serves the bounded prune of expired unknown payloads on every write.
create index resend_webhook_deliveries_payload_expiry on app_private.resend_webhook_deliveries (payload_expires_at)
  where payload is not null and payload_expires_at is not null;

alter table app_private.resend_webhook_deliveries enable row level security;

-- Forgotten recipients stay recognisable without keeping their address: a
-- deleted user's address is kept only as HMAC-SHA256(key, address), so a
-- webhook that arrives after the forget (Resend retries a delivery for up to a
-- day, an email sent just before the deletion reports on itself later, and
-- the contact.* events the deletion itself triggers all carry the address) is
-- scrubbed when it is written. The key is what makes the hash more than a
-- lookup table: without it nobody can test whether an address was forgotten.
-- It is generated here, once per database, with pgcrypto (which a Supabase
-- project has in schema `extensions`), and never leaves the database.
create extension if not exists pgcrypto with schema extensions;

create table app_private.email_privacy_settings (
  singleton boolean primary key default true check (singleton),
  -- HMAC key for forgotten_email_recipients. Replacing it makes every stored
  -- hash unrecognisable: keep it unless all forgotten addresses are forgotten again.
  recipient_hmac_key bytea not null default extensions.gen_random_bytes(32)
                     check (length(recipient_hmac_key) >= 32),
  -- How long the raw body of an event type this project does not apply (a
  -- new Resend type, contact.*) is kept for a later replay before it is nulled.
  -- Change it with: update app_private.email_privacy_settings set unknown_payload_retention = '6 hours';
  unknown_payload_retention interval not null default interval '24 hours'
                     check (unknown_payload_retention between interval '0' and interval '30 days')
);
comment on table app_private.email_privacy_settings is
  'One row: the HMAC key of forgotten recipients and the retention of unknown webhook payloads.';
insert into app_private.email_privacy_settings default values;
alter table app_private.email_privacy_settings enable row level security;

create table app_private.forgotten_email_recipients (
  recipient_hmac bytea primary key,
  forgotten_at   timestamptz not null default now()
);
comment on table app_private.forgotten_email_recipients is
  'HMAC-SHA256 (email_privacy_settings.recipient_hmac_key) of each forgotten address, trimmed and lower-cased. Never the address.';
alter table app_private.forgotten_email_recipients enable row level security;

-- Every e-mail address in a value: each string anywhere in it is searched, so
-- a "Name <a@b.example>" form and an address inside an unknown event type's
-- data (contact.* has data.email) are found alike. Trimmed and lower-cased.
create function app_private.email_addresses_in(p_value jsonb)
returns text[]
language sql
immutable
set search_path = ''
as $$
  select coalesce(array_agg(distinct pg_catalog.lower(m[1])), '{}')
    from pg_catalog.jsonb_path_query(coalesce(p_value, 'null'::jsonb), 'strict $.**') as v,
         pg_catalog.regexp_matches(v #>> '{}', '([^][[:space:]<>()"'',;:]+@[^][[:space:]<>()"'',;:]+)', 'g') as m
   where pg_catalog.jsonb_typeof(v) = 'string'
$$;

-- The keyed hashes of addresses, as stored in forgotten_email_recipients.
create function app_private.email_recipient_hmacs(p_addresses text[])
returns bytea[]
language sql
stable
set search_path = ''
as $$
  select coalesce(array_agg(extensions.hmac(pg_catalog.convert_to(pg_catalog.lower(pg_catalog.btrim(a)), 'UTF8'), s.recipient_hmac_key, 'sha256')), '{}')
    from unnest(p_addresses) as a
    cross join app_private.email_privacy_settings s
   where pg_catalog.btrim(a) <> ''
$$;

create table app_private.email_history (
  email_id            text primary key check (length(email_id) between 1 and 200),
  status              text not null check (status in
                        ('sent', 'delivery_delayed', 'delivered', 'opened', 'clicked', 'bounced', 'failed', 'complained')),
  -- Recipients, trimmed and lower-cased: the webhook carries no user id, so a
  -- user's history is found by address (delete-user, forget_email_recipients).
  to_addresses        text[] not null default '{}',
  subject             text,
  tags                jsonb,
  sent_at             timestamptz,
  delivered_at        timestamptz,
  delivery_delayed_at timestamptz,
  bounced_at          timestamptz,
  complained_at       timestamptz,
  failed_at           timestamptz,
  opened_at           timestamptz,  -- first open
  last_opened_at      timestamptz,
  open_count          integer not null default 0 check (open_count >= 0),
  clicked_at          timestamptz,  -- first click
  last_clicked_at     timestamptz,
  click_count         integer not null default 0 check (click_count >= 0),
  event_count         integer not null default 0 check (event_count >= 0),
  first_event_at      timestamptz,
  last_event_at       timestamptz,
  -- Set when the recipient was forgotten: later events still count, but no
  -- address, subject, tags, IP or user agent is stored again.
  forgotten_at        timestamptz,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
comment on table app_private.email_history is
  'Per-email delivery status and engagement from Resend webhooks. Written only by record_resend_webhook.';
comment on column app_private.email_history.to_addresses is
  'Recipient addresses, trimmed and lower-cased. Search with to_addresses && array[...] (GIN indexed).';
create index email_history_to_addresses on app_private.email_history using gin (to_addresses);

alter table app_private.email_history enable row level security;

create table app_private.email_clicks (
  id          bigint generated always as identity primary key,
  email_id    text not null references app_private.email_history (email_id) on delete cascade,
  -- One click per delivery: a redelivered click cannot add a second row.
  -- Set null, not cascaded, when retention prunes the delivery record: the
  -- click itself (per-link counts) outlives the deduplication window.
  svix_id     text unique references app_private.resend_webhook_deliveries (svix_id) on delete set null,
  link        text not null,
  clicked_at  timestamptz not null,
  ip_address  text,
  user_agent  text
);
comment on table app_private.email_clicks is
  'Every click, appended once per delivery. Per-link counts: select link, count(*) ... group by link.';
create index email_clicks_email_id_link on app_private.email_clicks (email_id, link);

alter table app_private.email_clicks enable row level security;

-- Status moves only forward. Delivery first, then engagement, then the
-- outcomes that end the email's story: a late `delivered` (Resend retries for
-- up to a day) must never turn a bounce or a spam complaint back into
-- delivered. Every status has its own rank, so the status is the maximum over
-- the events seen, whatever order they arrived in: with a tie, the one that
-- arrived first would stay. Resend documents `email.failed` as the email not
-- sent because of an error, and `email.bounced` as the recipient's server
-- permanently rejecting it (https://resend.com/docs/webhooks/event-types);
-- a bounce is the later, more specific outcome, so it outranks a failure.
create function app_private.email_status_rank(p_status text)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_status
    when 'sent' then 10
    when 'delivery_delayed' then 20
    when 'delivered' then 30
    when 'opened' then 40
    when 'clicked' then 50
    when 'failed' then 55
    when 'bounced' then 60
    when 'complained' then 70
    else 0
  end
$$;

create function public.record_resend_webhook(
  p_svix_id     text,
  p_event_type  text,
  p_payload     jsonb,
  p_occurred_at timestamptz default null,
  p_email_id    text default null,
  p_to          jsonb default null,
  p_subject     text default null,
  p_tags        jsonb default null,
  p_click       jsonb default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_status     text;
  v_to         text[];
  v_click_at   timestamptz;
  v_forgotten  timestamptz;
  v_inserted   text;
  v_addresses  text[];
  v_address    text;
  v_scrub      boolean;
  v_settings   app_private.email_privacy_settings;
begin
  if p_svix_id is null or length(p_svix_id) not between 1 and 200 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'record_resend_webhook: svix_id is required (1..200 characters)';
  end if;
  if p_event_type is null or length(p_event_type) not between 1 and 200 then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'record_resend_webhook: event_type is required (1..200 characters)';
  end if;

  v_status := case p_event_type
    when 'email.sent' then 'sent'
    when 'email.delivery_delayed' then 'delivery_delayed'
    when 'email.delivered' then 'delivered'
    when 'email.opened' then 'opened'
    when 'email.clicked' then 'clicked'
    when 'email.bounced' then 'bounced'
    when 'email.failed' then 'failed'
    when 'email.complained' then 'complained'
  end;

  -- Guard: an event about an email must say which email and when, or it
  -- cannot be applied commutatively; reject it before anything is stored.
  if v_status is not null and (p_email_id is null or length(p_email_id) not between 1 and 200 or p_occurred_at is null) then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = format('record_resend_webhook: %s needs email_id and occurred_at', p_event_type);
  end if;
  if v_status = 'clicked' then
    v_click_at := coalesce((p_click ->> 'timestamp')::timestamptz, p_occurred_at);
    if coalesce(p_click ->> 'link', '') = '' then
      raise exception using errcode = 'PT400', hint = 'invalid_input',
        message = 'record_resend_webhook: email.clicked needs click.link';
    end if;
  end if;
  if p_to is not null and jsonb_typeof(p_to) <> 'array' then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'record_resend_webhook: to must be a JSON array of addresses';
  end if;

  select * into strict v_settings from app_private.email_privacy_settings;

  -- Guard: a delivery about a forgotten recipient stores nothing personal.
  -- Every address anywhere in the delivery (data.to of an email event,
  -- data.email of a contact.* event, any other field of a type we do not
  -- know) is hashed with the key and looked up. The shared lock per address,
  -- taken in sorted order, makes a concurrent forget of that address
  -- (forget_email_recipients takes it exclusively) wait for this write to
  -- commit and then scrub it, or makes this write wait for the forget and then
  -- see its hash: no interleaving keeps an address the forget missed.
  v_addresses := array(select distinct a from unnest(app_private.email_addresses_in(p_payload) || app_private.email_addresses_in(p_to)) as a order by a);
  foreach v_address in array v_addresses loop
    perform pg_catalog.pg_advisory_xact_lock_shared(pg_catalog.hashtextextended('email_recipient:' || v_address, 0));
  end loop;
  v_scrub := exists (
    select from app_private.forgotten_email_recipients f
     where f.recipient_hmac = any (app_private.email_recipient_hmacs(v_addresses)));

  -- Guard: exactly once per svix-id. A concurrent redelivery of the same id
  -- waits on this unique key until the first commits, then finds it and stops;
  -- if the first rolled back, the redelivery applies the event instead.
  insert into app_private.resend_webhook_deliveries (svix_id, event_type, email_id, occurred_at, payload, payload_expires_at)
  values (p_svix_id, p_event_type, case when v_status is not null then p_email_id end, p_occurred_at,
          case when not v_scrub then p_payload end,
          case when v_status is null and not v_scrub then now() + v_settings.unknown_payload_retention end)
  on conflict (svix_id) do nothing
  returning svix_id into v_inserted;

  -- Unknown payloads past their retention are nulled a bounded batch at a
  -- time on every write (partial index resend_webhook_deliveries_payload_expiry),
  -- so none outlives it by more than the time to the next webhooks.
  update app_private.resend_webhook_deliveries d set payload = null
   where d.svix_id in (
     select e.svix_id from app_private.resend_webhook_deliveries e
      where e.payload is not null and e.payload_expires_at is not null and e.payload_expires_at <= now()
      order by e.payload_expires_at
      limit 100
        for update skip locked);

  if v_inserted is null then
    return jsonb_build_object('duplicate', true, 'applied', false, 'event_type', p_event_type);
  end if;

  -- Unknown event types are kept (above, for their retention) and
  -- acknowledged, never applied.
  if v_status is null then
    return jsonb_build_object('duplicate', false, 'applied', false, 'event_type', p_event_type);
  end if;

  select coalesce(array_agg(distinct lower(btrim(a))) filter (where btrim(a) <> ''), '{}')
    into v_to
    from jsonb_array_elements_text(coalesce(p_to, '[]'::jsonb)) as a;

  -- Guard: commutative, conditional updates. Whatever order deliveries arrive
  -- in, and however many run at once, the row converges on the same values:
  -- increments for counts, least() for first times (an earlier open that
  -- arrives late still wins), greatest() for last times, higher rank for
  -- status. An email first seen through a late event is created, not dropped.
  insert into app_private.email_history as h (
    email_id, status, to_addresses, subject, tags,
    sent_at, delivered_at, delivery_delayed_at, bounced_at, complained_at, failed_at,
    opened_at, last_opened_at, open_count,
    clicked_at, last_clicked_at, click_count,
    event_count, first_event_at, last_event_at, forgotten_at
  )
  values (
    p_email_id, v_status,
    case when v_scrub then '{}' else v_to end,
    case when not v_scrub then p_subject end,
    case when not v_scrub then p_tags end,
    case when v_status = 'sent' then p_occurred_at end,
    case when v_status = 'delivered' then p_occurred_at end,
    case when v_status = 'delivery_delayed' then p_occurred_at end,
    case when v_status = 'bounced' then p_occurred_at end,
    case when v_status = 'complained' then p_occurred_at end,
    case when v_status = 'failed' then p_occurred_at end,
    case when v_status = 'opened' then p_occurred_at end,
    case when v_status = 'opened' then p_occurred_at end,
    case when v_status = 'opened' then 1 else 0 end,
    v_click_at,
    v_click_at,
    case when v_status = 'clicked' then 1 else 0 end,
    1, p_occurred_at, p_occurred_at,
    case when v_scrub then now() end
  )
  on conflict (email_id) do update set
    status = case when app_private.email_status_rank(excluded.status) > app_private.email_status_rank(h.status)
                  then excluded.status else h.status end,
    -- Recipients and subject are the same on every event of one email; the
    -- first non-empty value stays, and a forgotten recipient stays forgotten.
    to_addresses = case when excluded.forgotten_at is not null then '{}'
                        when h.forgotten_at is not null or cardinality(h.to_addresses) > 0
                        then h.to_addresses else excluded.to_addresses end,
    subject = case when h.forgotten_at is not null or excluded.forgotten_at is not null then null
                   else coalesce(h.subject, excluded.subject) end,
    tags = case when h.forgotten_at is not null or excluded.forgotten_at is not null then null
                else coalesce(h.tags, excluded.tags) end,
    forgotten_at = coalesce(h.forgotten_at, excluded.forgotten_at),
    sent_at = least(h.sent_at, excluded.sent_at),
    delivered_at = least(h.delivered_at, excluded.delivered_at),
    delivery_delayed_at = least(h.delivery_delayed_at, excluded.delivery_delayed_at),
    bounced_at = least(h.bounced_at, excluded.bounced_at),
    complained_at = least(h.complained_at, excluded.complained_at),
    failed_at = least(h.failed_at, excluded.failed_at),
    opened_at = least(h.opened_at, excluded.opened_at),
    last_opened_at = greatest(h.last_opened_at, excluded.last_opened_at),
    open_count = h.open_count + excluded.open_count,
    clicked_at = least(h.clicked_at, excluded.clicked_at),
    last_clicked_at = greatest(h.last_clicked_at, excluded.last_clicked_at),
    click_count = h.click_count + excluded.click_count,
    event_count = h.event_count + 1,
    first_event_at = least(h.first_event_at, excluded.first_event_at),
    last_event_at = greatest(h.last_event_at, excluded.last_event_at),
    updated_at = now()
  returning h.forgotten_at into v_forgotten;

  if v_status = 'clicked' then
    -- Appended, never read back and rewritten: concurrent clicks each add a row.
    insert into app_private.email_clicks (email_id, svix_id, link, clicked_at, ip_address, user_agent)
    values (p_email_id, p_svix_id, p_click ->> 'link', v_click_at,
            case when v_forgotten is null then p_click ->> 'ip_address' end,
            case when v_forgotten is null then p_click ->> 'user_agent' end);
  end if;

  if v_forgotten is not null then
    -- The whole email, not only this delivery: a forget can have missed a row
    -- this email had before its recipient's hash was known to match.
    update app_private.email_clicks set ip_address = null, user_agent = null
     where email_id = p_email_id and (ip_address is not null or user_agent is not null);
    update app_private.resend_webhook_deliveries set payload = null
     where email_id = p_email_id and payload is not null;
  end if;

  return jsonb_build_object('duplicate', false, 'applied', true, 'event_type', p_event_type, 'email_id', p_email_id);
end;
$$;

-- For delete-user: the webhook has no user id, so a user's email history is
-- found by address. The rows are kept as anonymous tombstones rather than
-- deleted, because Resend keeps retrying deliveries for about a day: a deleted
-- row would be re-created, addresses and all, by the next retry or open. The
-- address itself is kept only as its keyed hash (forgotten_email_recipients),
-- so that deliveries arriving later, for emails this database has not seen
-- yet and for event types it does not apply, are scrubbed when written.
create function public.forget_email_recipients(p_addresses jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_addresses text[];
  v_emails    text[];
begin
  if p_addresses is null or jsonb_typeof(p_addresses) <> 'array' then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'forget_email_recipients: addresses must be a JSON array';
  end if;
  select coalesce(array_agg(distinct lower(btrim(a))) filter (where btrim(a) <> ''), '{}')
    into v_addresses
    from jsonb_array_elements_text(p_addresses) as a;
  if cardinality(v_addresses) = 0 then
    return jsonb_build_object('emails', 0);
  end if;

  -- Guard: exclusive per address, in sorted order, against the shared lock a
  -- webhook for that address holds until it commits (record_resend_webhook):
  -- the scrub below sees every row such a webhook wrote, and a webhook after
  -- this commit sees the hash.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('email_recipient:' || a, 0))
     from unnest(v_addresses) as a order by a;

  insert into app_private.forgotten_email_recipients (recipient_hmac)
  select h from unnest(app_private.email_recipient_hmacs(v_addresses)) as h
  on conflict (recipient_hmac) do nothing;

  with forgotten as (
    update app_private.email_history
       set to_addresses = '{}', subject = null, tags = null,
           forgotten_at = coalesce(forgotten_at, now()), updated_at = now()
     where to_addresses && v_addresses
    returning email_id
  )
  select coalesce(array_agg(email_id), '{}') into v_emails from forgotten;

  update app_private.email_clicks set ip_address = null, user_agent = null
   where email_id = any (v_emails);
  update app_private.resend_webhook_deliveries set payload = null
   where email_id = any (v_emails);
  -- Stored bodies of types not applied (contact.* carries data.email): only
  -- those within their short retention still have one to search.
  update app_private.resend_webhook_deliveries set payload = null
   where payload is not null and payload_expires_at is not null
     and app_private.email_addresses_in(payload) && v_addresses;

  return jsonb_build_object('emails', cardinality(v_emails));
end;
$$;
