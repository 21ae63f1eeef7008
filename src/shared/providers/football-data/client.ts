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

  return {
    async listMatches(query): Promise<Match[]> {
      const params = new URLSearchParams({
        competitions: query.competitions.join(","),
        dateFrom: query.dateFrom,
        dateTo: query.dateTo,
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
        throw new UpstreamError(`/v4/matches answered an unexpected shape: ${z.prettifyError(parsed.error)}`, SERVICE, "rejected", result.status);
      }
      return parsed.data.matches;
    },
  };
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
