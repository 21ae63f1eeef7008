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
  /** Resolves when the caller may send one request. */
  take(): Promise<void>;
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

  return {
    async take() {
      // Claim a slot synchronously, so concurrent callers line up in order.
      const slot = Math.max(now(), nextSlot);
      nextSlot = slot + spacingMs;
      const wait = slot - now();
      if (wait > 0) await sleep(wait);
    },
  };
}
