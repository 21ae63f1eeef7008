// One fetch-with-retry for every provider client. Runs under Node and Deno, so
// it uses only fetch, AbortSignal and setTimeout.
//
// The rule that shapes it: a write that may have reached the provider is never
// repeated here. A retried Braze create after a timeout is how a match got
// notified twice, so for non-idempotent calls only answers that prove the
// request was not processed (429, or a connection that was never opened) are
// retried; everything else surfaces as UpstreamError(outcome "unknown").

import { UpstreamError } from "../errors.ts";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface RetryTuning {
  /** Per attempt, covering headers and body. */
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Cap for exponential backoff between 5xx / network retries. */
  maxDelayMs?: number;
  /**
   * Longest wait a 429 may ask for. Beyond it we give up (outcome "rejected")
   * rather than hold an edge function open past its wall-clock limit.
   */
  maxRateLimitWaitMs?: number;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); drives full jitter. */
  random?: () => number;
  /** Epoch milliseconds; used to turn X-RateLimit-Reset into a delay. */
  now?: () => number;
  /**
   * How long the caller may still wait in total (e.g. until its run's
   * deadline). A 429 or a backoff that would wait longer is not waited out:
   * the call fails at once (a 429 as "rejected": nothing was done).
   */
  waitBudgetMs?: () => number;
  /** Every answer's headers, e.g. to pace by X-RateLimit-Remaining/Reset. */
  onHeaders?: (headers: Headers, status: number) => void;
}

export interface RequestSpec extends RetryTuning {
  service: string;
  url: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  /** Serialized as JSON when present. */
  json?: unknown;
  /** True when repeating the call cannot change the outcome (GET, update-to-a-value, delete). */
  idempotent: boolean;
  /**
   * Treats some non-2xx answers as success, e.g. a delete answered "not found".
   * Called with the parsed body.
   */
  acceptStatus?: (status: number, body: unknown) => boolean;
  /** Provider-specific throttle headers; falls back to the standard ones. */
  rateLimitDelayMs?: (headers: Headers, nowMs: number) => number | undefined;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON, or null when empty. */
  body: unknown;
  attempts: number;
}

export const defaultRetryTuning = {
  timeoutMs: 10_000,
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRateLimitWaitMs: 60_000,
} as const;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function requestWithRetry(spec: RequestSpec): Promise<HttpResult> {
  const maxAttempts = Math.max(1, spec.maxAttempts ?? defaultRetryTuning.maxAttempts);
  const timeoutMs = spec.timeoutMs ?? defaultRetryTuning.timeoutMs;
  const baseDelayMs = spec.baseDelayMs ?? defaultRetryTuning.baseDelayMs;
  const maxDelayMs = spec.maxDelayMs ?? defaultRetryTuning.maxDelayMs;
  const maxRateLimitWaitMs = spec.maxRateLimitWaitMs ?? defaultRetryTuning.maxRateLimitWaitMs;
  const doFetch = spec.fetch ?? ((input, init) => fetch(input, init));
  const sleep = spec.sleep ?? realSleep;
  const random = spec.random ?? Math.random;
  const now = spec.now ?? Date.now;
  // A failed read cannot have changed anything, whatever the status says.
  const failureOutcome = spec.method === "GET" ? "rejected" : "unknown";
  const where = `${spec.method} ${pathOf(spec.url)}`;

  const budget = spec.waitBudgetMs ?? (() => Infinity);
  const backoff = (attempt: number) => Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
  /**
   * Waits before a retry, and gives up instead of retrying when the caller's
   * budget ran out during the wait: the caller may have lost its lease
   * meanwhile (its budget then answers 0), and a retry sent after that would
   * be a call no lease covers.
   */
  const waitThenRecheck = async (ms: number, fail: () => UpstreamError) => {
    await sleep(ms);
    if (budget() <= 0) throw fail();
  };

  for (let attempt = 1;; attempt++) {
    const isLast = attempt >= maxAttempts;
    let response: Response;
    let body: unknown;
    try {
      response = await doFetch(spec.url, {
        method: spec.method,
        headers: {
          accept: "application/json",
          ...(spec.json === undefined ? {} : { "content-type": "application/json" }),
          ...spec.headers,
        },
        body: spec.json === undefined ? undefined : JSON.stringify(spec.json),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await readBody(response);
    } catch (error) {
      const neverSent = wasNeverSent(error);
      const timedOut = isTimeout(error);
      const reason = timedOut ? `timed out after ${timeoutMs}ms` : `network error: ${describe(error)}`;
      if (!spec.idempotent && !neverSent) {
        throw new UpstreamError(
          `${where} ${reason}; the request may have been processed`,
          spec.service,
          "unknown",
          undefined,
          { cause: error },
        );
      }
      const delay = backoff(attempt);
      const fail = () =>
        new UpstreamError(
          `${where} ${reason} (attempt ${attempt}/${maxAttempts})`,
          spec.service,
          neverSent ? "rejected" : failureOutcome,
          undefined,
          { cause: error },
        );
      if (isLast || delay >= budget()) throw fail();
      await waitThenRecheck(delay, fail);
      continue;
    }

    const { status } = response;
    spec.onHeaders?.(response.headers, status);
    if ((status >= 200 && status < 300) || spec.acceptStatus?.(status, body)) {
      return { status, headers: response.headers, body, attempts: attempt };
    }

    if (status === 429) {
      // Always safe to repeat: the provider refused before doing anything.
      const asked = (spec.rateLimitDelayMs ?? standardRateLimitDelayMs)(response.headers, now());
      if (asked !== undefined && asked > maxRateLimitWaitMs) {
        throw new UpstreamError(
          `${where} rate limited; provider asks to wait ${asked}ms, over the ${maxRateLimitWaitMs}ms budget`,
          spec.service,
          "rejected",
          status,
        );
      }
      if (isLast) {
        throw new UpstreamError(
          `${where} rate limited (attempt ${attempt}/${maxAttempts}): ${summarize(body)}`,
          spec.service,
          "rejected",
          status,
        );
      }
      // Without a hint, back off as for a 5xx; with one, wait it out plus a
      // little jitter so parallel runs do not return in lockstep.
      const wait = asked !== undefined && asked > 0 ? asked + Math.floor(random() * baseDelayMs) : backoff(attempt);
      if (wait >= budget()) {
        throw new UpstreamError(
          `${where} rate limited; waiting ${wait}ms would cross the caller's deadline`,
          spec.service,
          "rejected",
          status,
        );
      }
      await waitThenRecheck(
        wait,
        () => new UpstreamError(`${where} rate limited; the caller stopped waiting`, spec.service, "rejected", status),
      );
      continue;
    }

    if (status >= 500) {
      if (!spec.idempotent) {
        throw new UpstreamError(
          `${where} answered ${status}; the write may have been applied: ${summarize(body)}`,
          spec.service,
          "unknown",
          status,
        );
      }
      const delay = backoff(attempt);
      const fail = () =>
        new UpstreamError(
          `${where} answered ${status} (attempt ${attempt}/${maxAttempts}): ${summarize(body)}`,
          spec.service,
          failureOutcome,
          status,
        );
      if (isLast || delay >= budget()) throw fail();
      await waitThenRecheck(delay, fail);
      continue;
    }

    throw new UpstreamError(`${where} rejected with ${status}: ${summarize(body)}`, spec.service, "rejected", status);
  }
}

/**
 * Retry-After (seconds or HTTP date), X-RateLimit-Retry-After (seconds) or
 * X-RateLimit-Reset. Braze documents the reset as UTC epoch seconds; small
 * values are read as seconds-from-now because several APIs send that instead.
 */
export function standardRateLimitDelayMs(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = headers.get("retry-after") ?? headers.get("x-ratelimit-retry-after");
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - nowMs);
  }
  const reset = Number(headers.get("x-ratelimit-reset") ?? NaN);
  if (Number.isFinite(reset)) {
    return reset > 1_000_000_000 ? Math.max(0, reset * 1000 - nowMs) : Math.max(0, reset * 1000);
  }
  return undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/**
 * Only failures that happen before a connection exists prove the provider
 * never saw the request. A reset or a timeout proves nothing.
 */
function wasNeverSent(error: unknown): boolean {
  if (isTimeout(error)) return false;
  const codes = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"];
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && codes.includes(code)) return true;
    // Deno reports these only in the message.
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === "string" &&
      /connection refused|client error \(connect\)|dns error|failed to lookup address/i.test(message)
    ) return true;
  }
  return false;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

function summarize(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return (text ?? "").slice(0, 300);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
