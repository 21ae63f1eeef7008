// The Braze simulator's HTTP face: the four REST endpoints the project uses,
// and /_sim/* to steer and inspect it.

import type { IncomingMessage, ServerResponse } from "node:http";
import { delay, isRecord, listen, readJson, sendJson } from "../common.ts";
import { DefaultRateLimiter, FaultBook, type RateVerdict } from "./faults.ts";
import { Holds } from "../holds.ts";
import { type Answer, type BrazeSnapshot, BrazeState, type ClockOptions, type SimCall, SimClock } from "./state.ts";
import { Deliveries } from "./deliveries.ts";
import type { Recipient, SendGuardOption } from "./render.ts";

export interface BrazeSimulatorOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  apiKey?: string;
  clock?: ClockOptions;
  rateLimits?: { perMinute?: number; broadcastPerMinute?: number };
  /**
   * List API-triggered schedules (with their schedule ids and
   * trigger_properties) in GET /messages/scheduled_broadcasts. Off by default,
   * as on the real service: "Return a JSON list of information about
   * scheduled campaigns and entry Canvases" created in the dashboard
   * (https://www.braze.com/docs/api/endpoints/messaging/schedule_messages/get_messages_scheduled/);
   * it does not document API-triggered schedules or their properties.
   */
  listApiTriggered?: boolean;
  /**
   * Apply trigger_properties sent to /campaigns/trigger/schedule/update. Off by
   * default: the endpoint documents only campaign_id, schedule_id and
   * schedule (https://www.braze.com/docs/api/endpoints/messaging/schedule_messages/post_update_scheduled_triggered_campaigns/),
   * so the pessimistic reading is that Braze keeps the properties the
   * schedule was created with.
   */
  updateAppliesTriggerProperties?: boolean;
  /**
   * Production mode: each fired schedule renders supabase/braze/match-push.liquid
   * for every recipient, calling this braze-send-guard through Connected
   * Content, and counts as a delivery only where the template did not abort
   * (dev/sim/braze/render.ts). Due schedules then also fire on time by
   * themselves while the clock runs, as Braze sends at the scheduled time
   * whether or not anyone calls its API. Without it, every fire is a
   * delivery and nothing is rendered.
   */
  sendGuard?: SendGuardOption;
  /** Who each broadcast reaches (with sendGuard): by default one "en" and one "de" user. */
  recipients?: Recipient[];
}

export interface BrazeSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  state(): BrazeSnapshot;
}

export const DEFAULT_BRAZE_API_KEY = "local-braze-key";

type Route = (body: unknown, query: URLSearchParams) => Answer;

export async function startBrazeSimulator(options: BrazeSimulatorOptions): Promise<BrazeSimulator> {
  const apiKey = options.apiKey ?? DEFAULT_BRAZE_API_KEY;
  const clock = new SimClock(options.clock);
  const state = new BrazeState(clock, new Deliveries(options.sendGuard, () => clock.nowMs(), options.recipients));
  // Braze sends at the scheduled time; firing only on requests would deliver late on a quiet simulator.
  const ticker = options.sendGuard
    ? setInterval(() => {
      if (!clock.isFrozen()) state.fireDue();
    }, 200)
    : undefined;
  ticker?.unref();
  const faults = new FaultBook();
  const holds = new Holds();
  const limiter = new DefaultRateLimiter({
    perMinute: options.rateLimits?.perMinute ?? Math.floor(250_000 / 60),
    broadcastPerMinute: options.rateLimits?.broadcastPerMinute ?? 250,
  });

  const api: Record<string, Route> = {
    "POST /campaigns/trigger/schedule/create": (body) => state.create(body),
    "POST /campaigns/trigger/schedule/update": (body) =>
      state.update(body, faults.faults.newIdOnUpdate === true, options.updateAppliesTriggerProperties === true),
    "POST /campaigns/trigger/schedule/delete": (body) => state.delete(body),
    "GET /messages/scheduled_broadcasts": (_body, query) =>
      state.list(query, faults.faults.listLagSeconds ?? 0, options.listApiTriggered === true),
  };

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    route: Route,
    query: URLSearchParams,
  ) {
    const body = req.method === "GET" ? Object.fromEntries(query) : await readJson(req);
    let clientGone = false;
    let record: SimCall | undefined;
    res.on("close", () => {
      if (!res.writableFinished) {
        clientGone = true;
        if (record) record.client_aborted = true;
      }
    });
    const log = (status: number, fault?: string) => {
      record = {
        at: state.nowIso(),
        endpoint: path,
        body,
        status,
        ...(fault ? { fault } : {}),
        ...(clientGone ? { client_aborted: true } : {}),
      };
      state.calls.push(record);
    };

    state.fireDue();
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      log(401);
      return sendJson(res, 401, { message: "Unauthorized: Unknown or missing rest api key." });
    }

    const bucket = path.endsWith("/create") && isRecord(body) && body.broadcast === true ? "broadcast" : "default";
    const scenario = faults.rateLimit(state.clock.nowMs());
    const verdict = scenario?.limited ? scenario : limiter.check(bucket);
    const rateHeaders = headersOf(scenario ?? verdict);
    if (verdict.limited) {
      log(429, scenario?.limited ? "rateLimit" : undefined);
      return sendJson(res, 429, { message: "API rate limit exceeded" }, rateHeaders);
    }

    await holds.wait(path, body, state.nowIso());
    if (faults.faults.latencyMs) await delay(faults.faults.latencyMs);
    state.fireDue();

    const failure = faults.error5xx(path);
    if (failure && !failure.afterCommit) {
      log(failure.status, "errors5xx");
      return sendJson(res, failure.status, { message: "Internal Server Error" }, rateHeaders);
    }

    const answer = route(body, query);
    if (faults.takeTimeoutAfterCommit(path)) {
      // The write stands; the answer never comes. Only close() or the client ends this.
      log(answer.status, "timeoutAfterCommit");
      return;
    }
    if (failure?.afterCommit) {
      log(failure.status, "errors5xxAfterCommit");
      return sendJson(res, failure.status, { message: "Internal Server Error" }, rateHeaders);
    }
    log(answer.status);
    sendJson(res, answer.status, answer.body, rateHeaders);
  }

  async function handleSim(req: IncomingMessage, res: ServerResponse, path: string) {
    const key = `${req.method} ${path}`;
    const body = req.method === "POST" ? await readJson(req) : {};
    if (req.method === "POST" && !isRecord(body)) return sendJson(res, 400, { message: "body must be a JSON object" });
    const input = body as Record<string, unknown>;
    state.fireDue();
    switch (key) {
      case "GET /_sim/state":
        await state.deliveries.idle();
        return sendJson(res, 200, { ...state.snapshot(), faults: faults.faults, held: holds.list() });
      case "POST /_sim/faults": {
        const problem = faults.set(input, state.clock.nowMs());
        return problem ? sendJson(res, 400, { message: problem }) : sendJson(res, 200, { faults: faults.faults });
      }
      case "DELETE /_sim/faults":
        faults.clear();
        return sendJson(res, 200, { faults: faults.faults });
      case "POST /_sim/hold": {
        const count = input.count === undefined ? 1 : Number(input.count);
        if (typeof input.endpoint !== "string" || !Number.isInteger(count) || count < 1) {
          return sendJson(res, 400, { message: "hold needs { endpoint: string, count?: positive integer }" });
        }
        holds.add(input.endpoint, count);
        return sendJson(res, 200, { held: holds.list() });
      }
      case "POST /_sim/release": {
        const released = holds.release(typeof input.endpoint === "string" ? input.endpoint : undefined);
        return sendJson(res, 200, { released });
      }
      case "GET /_sim/held":
        return sendJson(res, 200, { held: holds.list() });
      case "GET /_sim/clock":
        return sendJson(res, 200, { clock: state.nowIso(), frozen: state.clock.isFrozen() });
      case "POST /_sim/clock":
        return moveClock(res, input);
      case "POST /_sim/reset":
        holds.release();
        faults.clear();
        limiter.reset();
        state.reset();
        return sendJson(res, 200, state.snapshot());
      default:
        return sendJson(res, 404, { message: `no simulator route ${key}` });
    }
  }

  async function moveClock(res: ServerResponse, input: Record<string, unknown>) {
    const now = state.clock.nowMs();
    const frozen = typeof input.frozen === "boolean" ? input.frozen : state.clock.isFrozen();
    let target = now;
    if (typeof input.set === "string") target = Date.parse(input.set);
    else if (typeof input.advanceTo === "string") target = Date.parse(input.advanceTo);
    else if (typeof input.advanceBySeconds === "number") target = now + input.advanceBySeconds * 1000;
    if (!Number.isFinite(target)) {
      return sendJson(res, 400, { message: "clock needs set, advanceTo (ISO) or advanceBySeconds" });
    }
    if (input.set === undefined && target < now) {
      return sendJson(res, 400, { message: "advancing cannot move the clock back; use set" });
    }
    state.clock.set(target, frozen);
    const fired = state.fireDue();
    await state.deliveries.idle();
    return sendJson(res, 200, { clock: state.nowIso(), frozen: state.clock.isFrozen(), fired });
  }

  const running = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? "/", "http://sim");
      if (url.pathname.startsWith("/_sim/")) return handleSim(req, res, url.pathname);
      const route = api[`${req.method} ${url.pathname}`];
      if (!route) return sendJson(res, 404, { message: `Not found: ${req.method} ${url.pathname}` });
      return handleApi(req, res, url.pathname, route, url.searchParams);
    },
    options.port,
    options.host,
  );

  return {
    url: running.url,
    port: running.port,
    close: () => {
      if (ticker) clearInterval(ticker);
      holds.release();
      return running.close();
    },
    state: () => state.snapshot(),
  };
}

function headersOf(verdict: RateVerdict): Record<string, string> {
  return {
    "x-ratelimit-limit": String(verdict.limit),
    "x-ratelimit-remaining": String(verdict.remaining),
    "x-ratelimit-reset": String(verdict.resetEpochSeconds),
  };
}
