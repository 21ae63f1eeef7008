// A DeepL-shaped translation simulator: POST /v2/translate, with a settable
// latency per call (a translator can take seconds) and a call counter, so a
// test can prove the cache saves every second-run call.
import type { IncomingMessage, ServerResponse } from "node:http";
import { controlRouter } from "./control.ts";
import { callJson, delay, isRecord, listen, readJson, sendJson } from "./common.ts";

export const DEFAULT_DEEPL_KEY = "local-deepl-key";

/** Deterministic stand-in translations: "Arsenal FC" -> "Arsenal FC [de]". */
export const simulatedTranslation = (text: string, target: string) => `${text} [${target.toLowerCase()}]`;

export async function startTranslatorSimulator(options: { port: number; host?: string; apiKey?: string }) {
  const apiKey = options.apiKey ?? DEFAULT_DEEPL_KEY;
  let latencyMs = 0;
  /**
   * Answers a machine translator can give and a schema cannot rule out: an
   * empty string, a NUL character, a text longer than the cache allows.
   * DeepL documents only that `text` is a string:
   * https://developers.deepl.com/docs/api-reference/translate
   */
  let garbage: Garbage | null = null;
  let calls = 0;
  let texts = 0;

  const control = controlRouter({
    "GET /_sim/state": () => ({ body: { calls, texts, latencyMs } }),
    // Replaces both faults at once: what the body leaves out is switched off.
    "POST /_sim/faults": (input) => {
      latencyMs = typeof input.latencyMs === "number" ? input.latencyMs : 0;
      garbage = typeof input.garbage === "string" && GARBAGE.includes(input.garbage as Garbage)
        ? (input.garbage as Garbage)
        : null;
      return { body: { latencyMs, garbage } };
    },
    "POST /_sim/reset": () => {
      calls = texts = latencyMs = 0;
      garbage = null;
      return { body: { calls } };
    },
  });

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://sim");
    if (await control(req, res, url.pathname)) return;
    if (url.pathname !== "/v2/translate" || req.method !== "POST") return sendJson(res, 404, { message: "Not found" });
    if (req.headers.authorization !== `DeepL-Auth-Key ${apiKey}`) return sendJson(res, 403, { message: "Forbidden" });
    const body = await readJson(req);
    if (!isRecord(body) || !Array.isArray(body.text) || typeof body.target_lang !== "string" || body.text.length > 50) {
      return sendJson(res, 400, { message: "Bad request: text (at most 50) and target_lang are required" });
    }
    calls++;
    texts += body.text.length;
    await delay(latencyMs);
    const target = body.target_lang;
    sendJson(res, 200, {
      translations: body.text.map((t) => ({
        detected_source_language: String(body.source_lang ?? "EN"),
        text: garbage ? garbageText(garbage, String(t)) : simulatedTranslation(String(t), target),
      })),
    });
  };
  return listen(handler, options.port, options.host);
}

const GARBAGE = ["empty", "nul", "long"] as const;
type Garbage = (typeof GARBAGE)[number];

function garbageText(kind: Garbage, text: string): string {
  if (kind === "empty") return "";
  if (kind === "nul") return `${text}\u0000`;
  return text.repeat(Math.ceil(2001 / Math.max(1, text.length)));
}

export function simTranslatorClient(url: string) {
  return {
    state: () => callJson<{ calls: number; texts: number; latencyMs: number }>(url, "GET", "/_sim/state"),
    /** Replaces the faults: a latency per call, and garbage answers ("empty", "nul", "long"). */
    faults: (f: { latencyMs?: number; garbage?: Garbage }) => callJson(url, "POST", "/_sim/faults", f),
    reset: () => callJson(url, "POST", "/_sim/reset"),
  };
}
