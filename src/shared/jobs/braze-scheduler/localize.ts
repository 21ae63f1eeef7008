// Team names in every configured locale, from the database cache first and
// the Translator only for what is missing. Runs after planning and before any
// intent is written, so no ledger row is ever held in an intermediate state
// while a slow translator answers; and it has a time budget well inside the
// lease TTL, after which names fall back to the source text (not cached, so a
// later run translates them).
import { translations } from "../../data/translations.ts";
import type { Db, Translator } from "../../ports.ts";

/**
 * What translation_cache accepts (translated_text: 1..2000 characters) and
 * what Postgres text and jsonb can hold at all (no NUL). A translator answer
 * outside this is garbage: the name falls back to the source and is not cached.
 */
export function usableTranslation(text: unknown): text is string {
  return typeof text === "string" && text.trim().length > 0 && text.length <= 2000 && !text.includes("\u0000");
}

/** translation_cache.source_text holds 1..500 characters; longer names are sent untranslated. */
const MAX_SOURCE_LENGTH = 500;

export interface LocalizeResult {
  /** locale -> source name -> translated name */
  names: Map<string, Map<string, string>>;
  translatorCalls: number;
  fallbacks: number;
}

export async function localizeNames(input: {
  db: Db;
  translator: Translator | undefined;
  texts: string[];
  sourceLocale: string;
  locales: string[];
  budgetMs: number;
  signal?: AbortSignal;
}): Promise<LocalizeResult> {
  const targets = input.locales.filter((l) => l !== input.sourceLocale);
  const names = new Map(targets.map((l) => [l, new Map<string, string>()]));
  const result: LocalizeResult = { names, translatorCalls: 0, fallbacks: 0 };
  const texts = [...new Set(input.texts)].filter((t) =>
    t.length >= 1 && t.length <= MAX_SOURCE_LENGTH && !t.includes("\u0000")
  ).sort();
  if (targets.length === 0 || texts.length === 0) return result;

  const cache = translations(input.db);
  const cached = await cache.lookup({ sourceLocale: input.sourceLocale, locales: targets, texts });
  for (const c of cached) names.get(c.locale)?.set(c.text, c.translation);

  const fresh: { locale: string; text: string; translation: string }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), input.budgetMs)));
  try {
    for (const locale of targets) {
      const missing = texts.filter((t) => !names.get(locale)!.has(t));
      if (missing.length === 0 || !input.translator || input.signal?.aborted) continue;
      result.translatorCalls++;
      const answer = await Promise.race([
        input.translator.translate({ texts: missing, sourceLocale: input.sourceLocale, targetLocale: locale }).catch(
          () => null,
        ),
        deadline,
      ]);
      if (answer === "timeout") break;
      if (answer === null) continue;
      answer.forEach((translation, i) => {
        if (i >= missing.length || !usableTranslation(translation)) return;
        names.get(locale)!.set(missing[i]!, translation);
        fresh.push({ locale, text: missing[i]!, translation });
      });
    }
  } finally {
    clearTimeout(timer);
  }
  if (fresh.length) {
    // The cache saves work; it is never worth a run. A failed write only
    // means the next run asks the translator again.
    await cache.store({ sourceLocale: input.sourceLocale, entries: fresh }).catch(() => {});
  }
  for (const locale of targets) {
    for (const t of new Set(input.texts)) if (!names.get(locale)!.has(t)) result.fallbacks++;
  }
  return result;
}

export function localizedTeams(
  names: Map<string, Map<string, string>>,
  home: string,
  away: string,
  sourceLocale: string,
) {
  const out: Record<string, { home_team: string; away_team: string }> = {
    [sourceLocale]: { home_team: home, away_team: away },
  };
  for (const [locale, map] of names) {
    out[locale] = { home_team: map.get(home) ?? home, away_team: map.get(away) ?? away };
  }
  return out;
}
