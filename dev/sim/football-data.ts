// A football-data.org v4 simulator: /v4/matches with the real filters, answer
// shape and throttle headers, and /_sim/* to change fixtures and inject faults.
// https://docs.football-data.org/general/v4/match.html

import type { IncomingMessage, ServerResponse } from "node:http";
import { controlRouter } from "./control.ts";
import { callJson, delay, listen, mergeFaults, sendJson } from "./common.ts";
import { fixture, type MatchPatch, mergeMatch, type V4Match, weekOfFixtures } from "./fixtures.ts";

export interface FootballDataSimulatorOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /**
   * Read dateTo as inclusive. Off by default: the v4 docs do not say
   * (https://docs.football-data.org/general/v4/match.html), and a captured
   * real answer for a two-day range held only the first day, so the simulator
   * takes the pessimistic, exclusive reading (a single-day range still
   * answers that day).
   */
  dateToInclusive?: boolean;
  /** Defaults to weekOfFixtures(now at start). */
  fixtures?: V4Match[];
  token?: string;
  /** 10 on the free plan, 30 on Standard, 60 above. */
  requestsPerMinute?: number;
}

export interface FootballDataFaults {
  latencyMs?: number;
  errors5xx?: { next: number; status?: number };
  /** The next n calls are throttled, with the counter resetting in resetSeconds. */
  rateLimit?: { next: number; resetSeconds?: number };
}

export const DEFAULT_FOOTBALL_TOKEN = "local-football-token";
/** football-data rejects wider windows on /v4/matches. */
const MAX_RANGE_DAYS = 10;

export async function startFootballDataSimulator(options: FootballDataSimulatorOptions) {
  const token = options.token ?? DEFAULT_FOOTBALL_TOKEN;
  const perMinute = options.requestsPerMinute ?? 60;
  const initial = options.fixtures ?? weekOfFixtures(new Date());
  let matches = structuredClone(initial);
  let faults: FootballDataFaults = {};
  let window = { start: 0, used: 0 };
  let calls = 0;

  function throttle(): { limited: boolean; headers: Record<string, string> } {
    const now = Date.now();
    if (now - window.start >= 60_000) window = { start: now, used: 0 };
    const forced = faults.rateLimit && faults.rateLimit.next > 0 ? faults.rateLimit : undefined;
    if (forced) forced.next--;
    const limited = forced !== undefined || window.used >= perMinute;
    if (!limited) window.used++;
    const resetSeconds = forced ? forced.resetSeconds ?? 60 : Math.ceil((window.start + 60_000 - now) / 1000);
    return {
      limited,
      headers: {
        "x-api-version": "v4",
        "x-authenticated-client": "local simulator",
        "x-requests-available-minute": String(limited ? 0 : perMinute - window.used),
        "x-requestcounter-reset": String(resetSeconds),
      },
    };
  }

  async function handleMatches(req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
    calls++;
    const given = req.headers["x-auth-token"];
    if (given === undefined) {
      return sendJson(res, 403, {
        message:
          "The resource you are looking for is restricted and apparently not within your permissions. Please check your subscription.",
        errorCode: 403,
      });
    }
    if (given !== token) return sendJson(res, 400, { message: "Your API token is invalid.", errorCode: 400 });
    const { limited, headers } = throttle();
    if (limited) {
      return sendJson(res, 429, {
        message: `You reached your request limit. Wait ${headers["x-requestcounter-reset"]} seconds.`,
        errorCode: 429,
      }, headers);
    }
    if (faults.latencyMs) await delay(faults.latencyMs);
    if (faults.errors5xx && faults.errors5xx.next > 0) {
      faults.errors5xx.next--;
      return sendJson(
        res,
        faults.errors5xx.status ?? 500,
        { message: "Internal server error", errorCode: 500 },
        headers,
      );
    }

    const dateFrom = query.get("dateFrom");
    const dateTo = query.get("dateTo");
    if ((dateFrom === null) !== (dateTo === null)) {
      return sendJson(
        res,
        400,
        { message: "Bad Request: you need to set both dateFrom and dateTo.", errorCode: 400 },
        headers,
      );
    }
    if (dateFrom !== null && dateTo !== null) {
      const days = (Date.parse(dateTo) - Date.parse(dateFrom)) / 86_400_000;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(dateFrom) || !/^\d{4}-\d{2}-\d{2}$/.test(dateTo) || !(days >= 0)) {
        return sendJson(res, 400, {
          message: "Bad Request: dateFrom and dateTo must be YYYY-MM-DD, dateFrom first.",
          errorCode: 400,
        }, headers);
      }
      if (days > MAX_RANGE_DAYS) {
        return sendJson(res, 400, {
          message: `Bad Request: the date range may span at most ${MAX_RANGE_DAYS} days.`,
          errorCode: 400,
        }, headers);
      }
    }
    // Without dates the API answers with today's matches (UTC).
    const from = dateFrom ?? new Date().toISOString().slice(0, 10);
    const to = dateTo ?? from;
    const wanted = query.get("competitions")?.split(",").map((c) => c.trim()).filter(Boolean);
    const selected = matches
      .filter((m) => !wanted || wanted.includes(m.competition.code) || wanted.includes(String(m.competition.id)))
      .filter((m) => {
        const day = m.utcDate.slice(0, 10);
        return day >= from && (options.dateToInclusive || from === to ? day <= to : day < to);
      })
      .sort((a, b) => a.utcDate.localeCompare(b.utcDate) || a.id - b.id);

    const codes = [...new Set(selected.map((m) => m.competition.code))].join(",");
    sendJson(res, 200, {
      filters: {
        ...(wanted ? { competitions: wanted.join(",") } : {}),
        dateFrom: from,
        dateTo: to,
        permission: "TIER_THREE",
      },
      resultSet: selected.length === 0 ? { count: 0 } : {
        count: selected.length,
        competitions: codes,
        first: selected[0]!.utcDate.slice(0, 10),
        last: selected[selected.length - 1]!.utcDate.slice(0, 10),
        played: selected.filter((m) => m.status === "FINISHED" || m.status === "AWARDED").length,
      },
      matches: selected,
    }, headers);
  }

  const control = controlRouter({
    "GET /_sim/matches": () => ({ body: { matches, calls } }),
    "PUT /_sim/matches": (input) => {
      if (!Array.isArray(input.matches)) return { status: 400, body: { message: "PUT needs { matches: [...] }" } };
      matches = input.matches.map((m) => fixture(m as MatchPatch));
      return { body: { matches } };
    },
    "POST /_sim/matches": (input) => {
      const added = fixture(input as MatchPatch);
      if (matches.some((m) => m.id === added.id)) return { status: 409, body: { message: `match ${added.id} exists` } };
      matches.push(added);
      return { status: 201, body: added };
    },
    "PATCH /_sim/matches/:id": (input, params) => {
      const id = Number(params.id);
      const index = matches.findIndex((m) => m.id === id);
      if (index < 0) return { status: 404, body: { message: `no match ${params.id}` } };
      // The real feed bumps lastUpdated whenever a match changes.
      const patch = { lastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"), ...(input as MatchPatch), id };
      matches[index] = mergeMatch(matches[index]!, patch);
      return { body: matches[index] };
    },
    "DELETE /_sim/matches/:id": (_, params) => {
      const before = matches.length;
      matches = matches.filter((m) => m.id !== Number(params.id));
      return { status: before === matches.length ? 404 : 200, body: { deleted: before - matches.length } };
    },
    "POST /_sim/faults": (input) => {
      faults = mergeFaults(faults, input);
      return { body: { faults } };
    },
    "DELETE /_sim/faults": () => {
      faults = {};
      return { body: { faults } };
    },
    "POST /_sim/reset": () => {
      matches = structuredClone(initial);
      faults = {};
      window = { start: 0, used: 0 };
      calls = 0;
      return { body: { matches } };
    },
  });

  const running = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? "/", "http://sim");
      if (await control(req, res, url.pathname)) return;
      if (req.method === "GET" && url.pathname.replace(/\/$/, "") === "/v4/matches") {
        return handleMatches(
          req,
          res,
          url.searchParams,
        );
      }
      return sendJson(res, 404, { message: "The resource you are looking for does not exist.", errorCode: 404 });
    },
    options.port,
    options.host,
  );

  return { url: running.url, port: running.port, close: running.close };
}

export type FootballDataSimulator = Awaited<ReturnType<typeof startFootballDataSimulator>>;

export function simFootballClient(url: string) {
  const call = <T>(method: string, path: string, body?: unknown) => callJson<T>(url, method, path, body);
  return {
    matches: async () => (await call<{ matches: V4Match[] }>("GET", "/_sim/matches")).matches,
    /** How many /v4/matches requests the simulator has answered (or refused) since the last reset. */
    calls: async () => (await call<{ calls: number }>("GET", "/_sim/matches")).calls,
    replaceMatches: (matches: MatchPatch[]) => call<{ matches: V4Match[] }>("PUT", "/_sim/matches", { matches }),
    addMatch: (match: MatchPatch) => call<V4Match>("POST", "/_sim/matches", match),
    patchMatch: (id: number, patch: MatchPatch) => call<V4Match>("PATCH", `/_sim/matches/${id}`, patch),
    deleteMatch: (id: number) => call<{ deleted: number }>("DELETE", `/_sim/matches/${id}`),
    faults: (faults: FootballDataFaults) => call<{ faults: FootballDataFaults }>("POST", "/_sim/faults", faults),
    clearFaults: () => call<{ faults: FootballDataFaults }>("DELETE", "/_sim/faults"),
    reset: () => call<{ matches: V4Match[] }>("POST", "/_sim/reset"),
  };
}

export type FootballSimClient = ReturnType<typeof simFootballClient>;
