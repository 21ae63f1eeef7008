// Team names in every configured locale, from the database cache first and
// the Translator only for what is missing. Runs after planning and before any
// intent is written, so no ledger row is ever held in an intermediate state
// while a slow translator answers; and it has a time budget well inside the
// lease TTL, after which names fall back to the source text (not cached, so a
// later run translates them).
import type { Db, Translator } from "../../ports.ts";

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
  const texts = [...new Set(input.texts)].sort();
  if (targets.length === 0 || texts.length === 0) return result;

  const cached = await input.db.rpc<{ locale: string; text: string; translation: string }[]>("translations_lookup", {
    p_source_locale: input.sourceLocale,
    p_target_locales: targets,
    p_texts: texts,
  });
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
      input.translator.translate({ texts: missing, sourceLocale: input.sourceLocale, targetLocale: locale }).catch(() => null),
      deadline,
    ]);
    if (answer === "timeout") break;
    if (answer === null) continue;
    answer.forEach((translation, i) => {
      names.get(locale)!.set(missing[i]!, translation);
      fresh.push({ locale, text: missing[i]!, translation });
    });
  }
  } finally {
    clearTimeout(timer);
  }
  if (fresh.length) await input.db.rpc("translations_store", { p_source_locale: input.sourceLocale, p_entries: fresh });
  for (const locale of targets) {
    for (const t of texts) if (!names.get(locale)!.has(t)) result.fallbacks++;
  }
  return result;
}

export function localizedTeams(names: Map<string, Map<string, string>>, home: string, away: string, sourceLocale: string) {
  const out: Record<string, { home_team: string; away_team: string }> = { [sourceLocale]: { home_team: home, away_team: away } };
  for (const [locale, map] of names) out[locale] = { home_team: map.get(home) ?? home, away_team: map.get(away) ?? away };
  return out;
}
