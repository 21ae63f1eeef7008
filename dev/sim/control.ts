// The /_sim/ control routes every simulator answers (state, faults, holds,
// reset, and each simulator's own), routed and parsed in one place: a route is
// "METHOD /_sim/path" (":name" matches one path segment), a request body must
// be a JSON object (an empty one reads as {}), anything else is 400, and a path
// under /_sim/ no route claims is 404. The simulated API itself is never routed here.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Holds } from "./holds.ts";
import { isRecord, mergeFaults, readJson, sendJson } from "./common.ts";

export interface ControlAnswer {
  /** 200 unless given. */
  status?: number;
  body: unknown;
}

export type ControlRoute = (
  input: Record<string, unknown>,
  params: Record<string, string>,
) => ControlAnswer | Promise<ControlAnswer>;

export type ControlRoutes = Record<string, ControlRoute>;

/**
 * A handler for the control routes: answers and resolves true for a path under
 * /_sim/, resolves false (and answers nothing) for any other path. `before`
 * runs ahead of every routed call (the Braze simulator fires due schedules there).
 */
export function controlRouter(routes: ControlRoutes, options: { before?: () => void } = {}) {
  const compiled = Object.entries(routes).map(([key, route]) => {
    const [method, pattern] = key.split(" ") as [string, string];
    const names: string[] = [];
    const source = pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => (names.push(name), "([^/]+)"));
    return { method, regex: new RegExp(`^${source}$`), names, route };
  });
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (!path.startsWith("/_sim/")) return false;
    const method = req.method ?? "GET";
    let input: Record<string, unknown> = {};
    if (method !== "GET" && method !== "HEAD") {
      const body = await readJson(req);
      if (!isRecord(body)) {
        sendJson(res, 400, { message: "body must be a JSON object" });
        return true;
      }
      input = body;
    }
    for (const { method: wanted, regex, names, route } of compiled) {
      const match = wanted === method ? regex.exec(path) : null;
      if (!match) continue;
      options.before?.();
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
      const answer = await route(input, params);
      sendJson(res, answer.status ?? 200, answer.body);
      return true;
    }
    sendJson(res, 404, { message: `no simulator route ${method} ${path}` });
    return true;
  };
}

/** Holding calls open (./holds.ts): POST /_sim/hold {endpoint, count?}, POST /_sim/release {endpoint?}, GET /_sim/held. */
export function holdRoutes(holds: Holds): ControlRoutes {
  return {
    "POST /_sim/hold": (input) => {
      const count = input.count === undefined ? 1 : Number(input.count);
      if (typeof input.endpoint !== "string" || !Number.isInteger(count) || count < 1) {
        return { status: 400, body: { message: "hold needs { endpoint: string, count?: positive integer }" } };
      }
      holds.add(input.endpoint, count);
      return { body: { held: holds.list() } };
    },
    "POST /_sim/release": (input) => ({
      body: { released: holds.release(typeof input.endpoint === "string" ? input.endpoint : undefined) },
    }),
    "GET /_sim/held": () => ({ body: { held: holds.list() } }),
  };
}

/**
 * GET /_sim/state (the snapshot) and POST /_sim/faults (merged into the
 * current faults by the shared contract, see mergeFaults; answers the result).
 */
export function stateAndFaultRoutes<F extends object>(sim: {
  snapshot: () => unknown;
  faults: { get: () => F; set: (next: F) => void };
}): ControlRoutes {
  return {
    "GET /_sim/state": () => ({ body: sim.snapshot() }),
    "POST /_sim/faults": (input) => {
      sim.faults.set(mergeFaults(sim.faults.get(), input));
      return { body: sim.faults.get() };
    },
  };
}
