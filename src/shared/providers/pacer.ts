// A token bucket that paces calls to a documented per-minute limit, so a run
// spends its time waiting for a token instead of collecting 429s: Braze allows
// 250 broadcast schedule creates a minute per workspace
// (https://www.braze.com/docs/api/api_limits), and a burst of 16 concurrent
// workers would otherwise hit that in about three seconds and then retry.

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
  const capacity = options.perMinute;
  const refillPerMs = options.perMinute / 60_000;
  let tokens = capacity;
  let last = now();
  // Callers queue in order; each waits for the one before it.
  let queue: Promise<void> = Promise.resolve();

  const refill = () => {
    const t = now();
    tokens = Math.min(capacity, tokens + (t - last) * refillPerMs);
    last = t;
  };

  return {
    take() {
      const turn = queue.then(async () => {
        refill();
        while (tokens < 1) {
          await sleep(Math.ceil((1 - tokens) / refillPerMs));
          refill();
        }
        tokens -= 1;
      });
      queue = turn.catch(() => {});
      return turn;
    },
  };
}
