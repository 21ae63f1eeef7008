// DeepL's text translation API (POST /v2/translate), the Translator port.
// https://developers.deepl.com/docs/api-reference/translate
import { z } from "zod";
import { UpstreamError } from "../../errors.ts";
import type { Translator } from "../../ports.ts";
import { requestWithRetry, type RetryTuning } from "../http.ts";

const SERVICE = "deepl";
/** DeepL accepts at most 50 texts per request. */
export const MAX_TEXTS_PER_REQUEST = 50;

const answer = z.object({ translations: z.array(z.object({ text: z.string() })) });

export interface DeepLClientOptions extends RetryTuning {
  baseUrl: string;
  apiKey: string;
}

export function createDeepLClient(options: DeepLClientOptions): Translator {
  const { baseUrl, apiKey, ...tuning } = options;
  const root = baseUrl.replace(/\/+$/, "");
  return {
    async translate({ texts, sourceLocale, targetLocale }) {
      const out: string[] = [];
      for (let i = 0; i < texts.length; i += MAX_TEXTS_PER_REQUEST) {
        const chunk = texts.slice(i, i + MAX_TEXTS_PER_REQUEST);
        const result = await requestWithRetry({
          ...tuning,
          service: SERVICE,
          url: `${root}/v2/translate`,
          method: "POST",
          headers: { authorization: `DeepL-Auth-Key ${apiKey}` },
          json: { text: chunk, source_lang: sourceLocale.toUpperCase(), target_lang: targetLocale.toUpperCase() },
          // Translating changes nothing anywhere: safe to repeat.
          idempotent: true,
        });
        const parsed = answer.safeParse(result.body);
        if (!parsed.success || parsed.data.translations.length !== chunk.length) {
          throw new UpstreamError("/v2/translate answered an unexpected shape", SERVICE, "rejected", result.status);
        }
        out.push(...parsed.data.translations.map((t) => t.text));
      }
      return out;
    },
  };
}
