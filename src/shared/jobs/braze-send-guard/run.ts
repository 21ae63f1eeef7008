// braze-send-guard's core: the key from the query string, one guard call, and
// an answer Braze may cache.
//
// Braze caches a Connected Content GET's answer per URL, 5 minutes by default
// (at least 5 minutes, at most 4 hours with :cache_max_age; the cache is a
// suggestion and may be evicted early):
// https://www.braze.com/docs/user_guide/personalization_and_dynamic_content/connected_content/caching_responses
// The URL carries the key, and a key's answer does not change once given: a
// claimed key stays "send" (the claim is permanent), a key refused because
// another key claimed, because its attempt failed or was superseded, because
// its match was cancelled, or because it is unknown, stays "abort". So the
// answer is marked cacheable for the same 5 minutes.
import { InvalidInputError } from "../../errors.ts";
import { type GuardAnswer, sendGuard } from "../../data/send-guard.ts";
import { json } from "../../http/respond.ts";
import type { SendGuardConfig } from "./env.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GUARD_CACHE_CONTROL = "private, max-age=300";

/** The guard key of `url`: one `key` parameter holding a uuid, else InvalidInputError (400). */
export function guardKeyOf(url: string): string {
  const keys = new URL(url).searchParams.getAll("key");
  if (keys.length !== 1 || !UUID.test(keys[0]!)) {
    throw new InvalidInputError("key must be given once, as the uuid the schedule carries in guard_key");
  }
  return keys[0]!.toLowerCase();
}

export async function answerGuard(config: SendGuardConfig, url: string): Promise<Response> {
  const key = guardKeyOf(url);
  const answer: GuardAnswer = await sendGuard(config.db).ask({ key, toleranceSeconds: config.toleranceSeconds });
  return json(200, { send: answer.send === true, reason: String(answer.reason) }, {
    "cache-control": GUARD_CACHE_CONTROL,
  });
}
