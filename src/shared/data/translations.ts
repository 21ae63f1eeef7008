// The translation cache (migration create_translation_cache): team names per
// locale, looked up in one round trip and stored best-effort.
import type { Db } from "../ports.ts";

/** SQL entry points this module calls, with their argument names; tests/db/data-layer checks them against pg_proc. */
export const procedures = {
  translations_lookup: ["p_source_locale", "p_target_locales", "p_texts"],
  translations_store: ["p_source_locale", "p_entries"],
} as const;

/** One cached translation of `text` into `locale`. */
export interface TranslationEntry {
  locale: string;
  text: string;
  translation: string;
}

export function translations(db: Db) {
  return {
    /** The cached translations of `texts` into any of `locales`. */
    lookup: (input: { sourceLocale: string; locales: string[]; texts: string[] }) =>
      db.rpc<TranslationEntry[]>("translations_lookup", {
        p_source_locale: input.sourceLocale,
        p_target_locales: input.locales,
        p_texts: input.texts,
      }),
    /** Stores fresh translations; entries the cache's checks refuse are skipped, not fatal. */
    store: (input: { sourceLocale: string; entries: TranslationEntry[] }) =>
      db.rpc<unknown>("translations_store", { p_source_locale: input.sourceLocale, p_entries: input.entries }),
  };
}

export type Translations = ReturnType<typeof translations>;
