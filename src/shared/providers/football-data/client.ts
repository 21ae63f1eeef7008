// football-data.org v4, /v4/matches only.
// https://docs.football-data.org/general/v4/match.html
//
// The feed is the input to every scheduling decision, so its answer is
// validated before a core sees it: a match without a parseable kickoff must
// fail the run loudly, not schedule a push for "Invalid Date".

import { z } from "zod";
import { UpstreamError } from "../../errors.ts";
import type { FootballData, Match } from "../../ports.ts";
import { requestWithRetry, type RetryTuning, standardRateLimitDelayMs } from "../http.ts";

export interface FootballDataClientOptions extends RetryTuning {
  /** e.g. https://api.football-data.org */
  baseUrl: string;
  apiToken: string;
}

const SERVICE = "football-data";

// Postgres text and jsonb cannot hold NUL, and a name is stored in the ledger
// (jsonb) and the translation cache (at most 500 characters): a name with a NUL
// loses it, and an empty one counts as missing (the match is skipped, not the run).
const teamName = z.string().nullable().transform((name) => {
  const clean = name?.replaceAll("\u0000", "");
  return clean?.trim() ? clean : null;
});
const team = z.object({ id: z.number().int().nullable(), name: teamName });

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
    const params = new URLSearchParams({
      competitions: competitions.join(","),
      dateFrom: range.from,
      dateTo: range.to,
    });
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
      throw new UpstreamError(
        `/v4/matches answered an unexpected shape: ${z.prettifyError(parsed.error)}`,
        SERVICE,
        "rejected",
        result.status,
      );
    }
    return parsed.data.matches;
  }

  return {
    async listMatches(query): Promise<Match[]> {
      // /v4/matches refuses a dateFrom..dateTo range over 10 days, so a longer
      // window is read as consecutive ranges (one request each, in order, to
      // stay inside the per-minute throttle) and merged by match id.
      //
      // Whether dateTo is inclusive is not documented
      // (https://docs.football-data.org/general/v4/match.html lists only
      // "dateFrom / dateTo: String /YYYY-MM-DD/"), and a captured real answer
      // for a two-day range held only the first day. So each request asks up
      // to the day after the last one it must cover, and the matches are kept
      // by their own utcDate: both readings give the whole window, once.
      const start = Date.parse(`${query.dateFrom}T00:00:00Z`);
      const end = Date.parse(`${query.dateTo}T00:00:00Z`) + DAY_MS; // exclusive
      const byId = new Map<number, Match>();
      for (const range of dateRanges(query.dateFrom, query.dateTo, MAX_RANGE_DAYS)) {
        for (const match of await fetchRange(query.competitions, range)) {
          const at = Date.parse(match.utcDate);
          if (at >= start && at < end) byId.set(match.id, match);
        }
      }
      return [...byId.values()];
    },
  };
}

/** The widest dateTo - dateFrom, in days, that /v4/matches accepts. */
export const MAX_RANGE_DAYS = 10;
const DAY_MS = 86_400_000;

/**
 * The requests that cover the days from..to (inclusive) whether the server
 * reads dateTo as inclusive or exclusive: each asks up to the day after the
 * last day it must cover (at most maxDays after its dateFrom), and the next
 * starts on that day. Read inclusively, neighbours overlap by one day.
 */
export function dateRanges(from: string, to: string, maxDays: number): { from: string; to: string }[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS; // the day after the last one
  const ranges: { from: string; to: string }[] = [];
  for (let day = start; day < end; day += maxDays * DAY_MS) {
    const until = Math.min(end, day + maxDays * DAY_MS);
    ranges.push({ from: new Date(day).toISOString().slice(0, 10), to: new Date(until).toISOString().slice(0, 10) });
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
