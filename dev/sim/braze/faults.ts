// The failures the Braze simulator can be told to produce. Deterministic
// modes ("the next n calls") are what tests should use; rates exist for
// soak runs and take a seed so a failing run replays.

import { endpointMatches, isRecord, mergeFaults, seededRandom } from "../common.ts";

export { endpointMatches };

export const WRITE_ENDPOINTS = [
  "/campaigns/trigger/schedule/create",
  "/campaigns/trigger/schedule/update",
  "/campaigns/trigger/schedule/delete",
];

export interface BrazeFaults {
  latencyMs?: number;
  rateLimit?:
    | { every: number; resetSeconds?: number }
    | { next: number; resetSeconds?: number }
    | { remaining: number; resetSeconds: number };
  /** Before the write is applied, unless afterCommit (then the write stands and the client sees a 5xx). */
  errors5xx?: {
    next?: number;
    rate?: number;
    seed?: number;
    status?: number;
    afterCommit?: boolean;
    endpoint?: string;
  };
  /** Apply the write, then never answer: the client's own timeout is the only way out. */
  timeoutAfterCommit?: { next: number; endpoint?: string };
  newIdOnUpdate?: boolean;
  /** The listing leaves out schedules created within the last N seconds of sim time. */
  listLagSeconds?: number;
}

/** "create" matches "/campaigns/trigger/schedule/create"; a full path matches itself. */

const appliesTo = (endpoint: string | undefined, path: string) =>
  endpoint === undefined ? WRITE_ENDPOINTS.includes(path) : endpointMatches(endpoint, path);

export interface RateVerdict {
  limited: boolean;
  limit: number;
  remaining: number;
  resetEpochSeconds: number;
}

export class FaultBook {
  faults: BrazeFaults = {};
  private random = seededRandom(1);
  private callCount = 0;
  private windowStartMs = 0;
  private windowUsed = 0;

  /** Merges top-level keys; a key set to null is switched off. */
  set(patch: unknown, nowMs: number): string | undefined {
    if (!isRecord(patch)) return "faults must be a JSON object";
    this.faults = mergeFaults(this.faults, patch);
    if (isRecord(patch.errors5xx)) this.random = seededRandom(Number(patch.errors5xx.seed ?? 1));
    if (isRecord(patch.rateLimit)) {
      this.callCount = 0;
      this.windowStartMs = nowMs;
      this.windowUsed = 0;
    }
    return undefined;
  }

  clear(): void {
    this.faults = {};
    this.random = seededRandom(1);
    this.callCount = 0;
  }

  /** Scenario rate limits, on the sim clock so a test can step past the reset. */
  rateLimit(nowMs: number): RateVerdict | undefined {
    const rule = this.faults.rateLimit;
    if (!rule) return undefined;
    const resetAt = (seconds: number | undefined) => Math.ceil((nowMs + (seconds ?? 1) * 1000) / 1000);
    if ("every" in rule) {
      this.callCount++;
      const limited = rule.every > 0 && this.callCount % rule.every === 0;
      return {
        limited,
        limit: rule.every,
        remaining: limited ? 0 : rule.every - (this.callCount % rule.every),
        resetEpochSeconds: resetAt(rule.resetSeconds),
      };
    }
    if ("next" in rule) {
      const limited = rule.next > 0;
      if (limited) rule.next--;
      if (rule.next <= 0) delete this.faults.rateLimit;
      return limited ? { limited, limit: 1, remaining: 0, resetEpochSeconds: resetAt(rule.resetSeconds) } : undefined;
    }
    const resetMs = this.windowStartMs + rule.resetSeconds * 1000;
    if (nowMs >= resetMs) {
      delete this.faults.rateLimit;
      return undefined;
    }
    const limited = this.windowUsed >= rule.remaining;
    if (!limited) this.windowUsed++;
    return {
      limited,
      limit: rule.remaining,
      remaining: Math.max(0, rule.remaining - this.windowUsed),
      resetEpochSeconds: Math.ceil(resetMs / 1000),
    };
  }

  /** The 5xx status to answer with for this call, if any. */
  error5xx(path: string): { status: number; afterCommit: boolean } | undefined {
    const rule = this.faults.errors5xx;
    if (!rule || !appliesTo(rule.endpoint, path)) return undefined;
    let hit = false;
    if (rule.next !== undefined && rule.next > 0) {
      rule.next--;
      hit = true;
    } else if (rule.rate !== undefined) {
      hit = this.random() < rule.rate;
    }
    return hit ? { status: rule.status ?? 500, afterCommit: rule.afterCommit === true } : undefined;
  }

  takeTimeoutAfterCommit(path: string): boolean {
    const rule = this.faults.timeoutAfterCommit;
    if (!rule || rule.next <= 0 || !appliesTo(rule.endpoint, path)) return false;
    rule.next--;
    return true;
  }
}

/**
 * Braze's default budgets, by fixed real-time minute: 250,000 requests an hour
 * for these endpoints, and 250 a minute for broadcast schedule creates.
 * https://www.braze.com/docs/api/api_limits/
 */
export class DefaultRateLimiter {
  private windows = new Map<string, { start: number; used: number }>();

  constructor(private readonly limits: { perMinute: number; broadcastPerMinute: number }) {}

  check(bucket: "default" | "broadcast", nowMs = Date.now()): RateVerdict {
    const limit = bucket === "broadcast" ? this.limits.broadcastPerMinute : this.limits.perMinute;
    const start = Math.floor(nowMs / 60_000) * 60_000;
    const window = this.windows.get(bucket);
    const current = window && window.start === start ? window : { start, used: 0 };
    this.windows.set(bucket, current);
    const limited = current.used >= limit;
    if (!limited) current.used++;
    return { limited, limit, remaining: Math.max(0, limit - current.used), resetEpochSeconds: (start + 60_000) / 1000 };
  }

  reset(): void {
    this.windows.clear();
  }
}
