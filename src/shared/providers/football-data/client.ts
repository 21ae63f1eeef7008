// football-data.org v4, /v4/matches only.
// https://docs.football-data.org/general/v4/match.html
//
// The feed is the input to every scheduling decision, so its answer is
// validated before a core sees it: a match without a parseable kickoff must
// fail the run loudly, not schedule a push for "Invalid Date".

import { z } from "zod";
import { UpstreamError } from "../../errors.ts";
import type { FootballData, Match } from "../../ports.ts";
import { requestWithRetry, standardRateLimitDelayMs, type RetryTuning } from "../http.ts";

export interface FootballDataClientOptions extends RetryTuning {
  /** e.g. https://api.football-data.org */
  baseUrl: string;
  apiToken: string;
}

const SERVICE = "football-data";

const team = z.object({ id: z.number().int().nullable(), name: z.string().nullable() });

const matchSchema = z.object({
  id: z.number().int(),
  utcDate: z.iso.datetime({ offset: true }),
  status: z.string().min(1),
  competition: z.object({ id: z.number().int(), code: z.string().optional(), name: z.string().optional() }),
  // Knockout ties list teams as null until they are decided.
  homeTeam: team,
  awayTeam: team,
  lastUpdated: z.string().optional(),
});

const matchesAnswer = z.object({ matches: z.array(matchSchema) });

export function createFootballDataClient(options: FootballDataClientOptions): FootballData {
  const { baseUrl, apiToken, ...tuning } = options;
  const root = baseUrl.replace(/\/+$/, "");

  async function fetchRange(competitions: string[], range: { from: string; to: string }): Promise<Match[]> {
    const params = new URLSearchParams({ competitions: competitions.join(","), dateFrom: range.from, dateTo: range.to });
    const result = await requestWithRetry({
      ...tuning,
      service: SERVICE,
      url: `${root}/v4/matches?${params}`,
      method: "GET",
      headers: { "x-auth-token": apiToken },
      idempotent: true,
      rateLimitDelayMs: footballDataThrottleDelayMs,
    });
    const parsed = matchesAnswer.safeParse(result.body);
    if (!parsed.success) {
      throw new UpstreamError(`/v4/matches answered an unexpected shape: ${z.prettifyError(parsed.error)}`, SERVICE, "rejected", result.status);
    }
    return parsed.data.matches;
  }

  return {
    async listMatches(query): Promise<Match[]> {
      // /v4/matches refuses a dateFrom..dateTo range over 10 days, so a longer
      // window is read as consecutive ranges (one request each, in order, to
      // stay inside the per-minute throttle) and merged by match id.
      const byId = new Map<number, Match>();
      for (const range of dateRanges(query.dateFrom, query.dateTo, MAX_RANGE_DAYS)) {
        for (const match of await fetchRange(query.competitions, range)) byId.set(match.id, match);
      }
      return [...byId.values()];
    },
  };
}

/** The widest dateFrom..dateTo range /v4/matches accepts, both days inclusive. */
export const MAX_RANGE_DAYS = 10;
const DAY_MS = 86_400_000;

/** Splits an inclusive YYYY-MM-DD range into inclusive ranges of at most maxDays days. */
export function dateRanges(from: string, to: string, maxDays: number): { from: string; to: string }[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const ranges: { from: string; to: string }[] = [];
  for (let day = start; day <= end; day += maxDays * DAY_MS) {
    const last = Math.min(end, day + (maxDays - 1) * DAY_MS);
    ranges.push({ from: new Date(day).toISOString().slice(0, 10), to: new Date(last).toISOString().slice(0, 10) });
  }
  return ranges;
}

/**
 * football-data counts requests per minute and says when the counter resets
 * in X-RequestCounter-Reset, in seconds from now.
 * https://docs.football-data.org/general/v4/policies.html#_request_throttling
 */
export function footballDataThrottleDelayMs(headers: Headers, nowMs: number): number | undefined {
  const reset = Number(headers.get("x-requestcounter-reset") ?? NaN);
  if (Number.isFinite(reset)) return Math.max(0, reset * 1000);
  return standardRateLimitDelayMs(headers, nowMs);
}
