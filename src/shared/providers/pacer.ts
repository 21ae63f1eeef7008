// Paces calls evenly to a per-minute limit, so a run spends its time waiting
// for its slot instead of collecting 429s. Braze allows 250 broadcast schedule
// creates a minute per workspace (https://www.braze.com/docs/api/api_limits).
//
// Even spacing rather than a token bucket: bench/scheduler.ts measured a full
// bucket sending 250 creates in 3 s and then refilling, so one minute saw ~400
// and Braze answered 429s; and the next run's fresh bucket burst into a minute
// the previous run had already spent. Evenly spaced calls keep every 60-second
// interval at or under the budget, across back-to-back runs too (runs hold the
// same lease, so they never overlap).

export interface Pacer {
  /**
   * Resolves when the caller may send one request. With a budget, a slot
   * further away than the budget is not waited for: it throws PacerWaitTooLong
   * and claims nothing.
   */
  take(budgetMs?: number): Promise<void>;
  /**
   * What the provider says about its own limit (X-RateLimit-Remaining and the
   * reset, as epoch ms): the pace slows to spread what remains over the time
   * left, and stops until the reset when nothing remains.
   */
  observe(limit: { remaining: number; resetAtMs: number }): void;
}

export class PacerWaitTooLong extends Error {
  override name = "PacerWaitTooLong";
  constructor(readonly waitMs: number) {
    super(`the next paced slot is ${waitMs} ms away`);
  }
}

export function createPacer(options: {
  perMinute: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): Pacer {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const spacingMs = 60_000 / options.perMinute;
  let nextSlot = -Infinity;
  let lastSlot = -Infinity;

  return {
    async take(budgetMs = Infinity) {
      // Claim a slot synchronously, so concurrent callers line up in order.
      const slot = Math.max(now(), nextSlot);
      const wait = slot - now();
      if (wait > budgetMs) throw new PacerWaitTooLong(wait);
      nextSlot = slot + spacingMs;
      lastSlot = slot;
      if (wait > 0) await sleep(wait);
    },
    observe({ remaining, resetAtMs }) {
      const t = now();
      if (!Number.isFinite(remaining) || !Number.isFinite(resetAtMs) || resetAtMs <= t) return;
      if (remaining <= 0) {
        nextSlot = Math.max(nextSlot, resetAtMs);
        return;
      }
      // Our own pace would send (resetAt - now) / spacing calls before the
      // reset; when the provider has fewer left, spread those evenly instead.
      const spread = (resetAtMs - t) / remaining;
      if (spread > spacingMs) nextSlot = Math.max(nextSlot, Math.max(lastSlot, t) + spread);
    },
  };
}
