-- Cached machine translations of team names, so a scheduler run translates a
-- name once per locale ever, not once per run: a second run over the same
-- fixtures makes zero translation calls (and a slow translator costs nothing
-- after the first run).

create table app_private.translation_cache (
  source_locale   text not null check (source_locale ~ '^[a-z]{2}(-[a-z]{2})?$'),
  target_locale   text not null check (target_locale ~ '^[a-z]{2}(-[a-z]{2})?$'),
  source_text     text not null check (length(source_text) between 1 and 500),
  translated_text text not null check (length(translated_text) between 1 and 2000),
  created_at      timestamptz not null default now(),
  primary key (source_locale, target_locale, source_text)
);
alter table app_private.translation_cache enable row level security;

create function public.translations_lookup(p_source_locale text, p_target_locales jsonb, p_texts jsonb)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  -- Every cached (locale, text) pair among those asked for, in one round trip.
  select coalesce(jsonb_agg(jsonb_build_object('locale', c.target_locale, 'text', c.source_text,
                                               'translation', c.translated_text)), '[]'::jsonb)
    from app_private.translation_cache c
   where c.source_locale = p_source_locale
     and c.target_locale in (select jsonb_array_elements_text(p_target_locales))
     and c.source_text in (select jsonb_array_elements_text(p_texts));
$$;

create function public.translations_store(p_source_locale text, p_entries jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_stored integer;
begin
  if jsonb_typeof(p_entries) is distinct from 'array' then
    raise exception using errcode = 'PT400', hint = 'invalid_input',
      message = 'translations_store: p_entries must be a JSON array';
  end if;
  -- First translation wins: two runs storing the same pair never conflict,
  -- and a cached name never changes under a live schedule.
  -- Guard: an entry the table's checks would refuse (an empty or overlong
  -- translation, a malformed locale) is skipped, not allowed to fail the
  -- batch: a translator's garbage must never cost the whole cache write.
  insert into app_private.translation_cache (source_locale, target_locale, source_text, translated_text)
  select p_source_locale, e ->> 'locale', e ->> 'text', e ->> 'translation'
    from jsonb_array_elements(p_entries) e
   where p_source_locale ~ '^[a-z]{2}(-[a-z]{2})?$'
     and (e ->> 'locale') ~ '^[a-z]{2}(-[a-z]{2})?$'
     and length(e ->> 'text') between 1 and 500
     and length(e ->> 'translation') between 1 and 2000
  on conflict do nothing;
  get diagnostics v_stored = row_count;
  return jsonb_build_object('stored', v_stored);
end;
$$;
