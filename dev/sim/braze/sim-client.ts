// Typed access to the Braze simulator's /_sim/* routes, for tests and the dev stack.

import { callJson, delay } from "../common.ts";
import type { BrazeFaults } from "./faults.ts";
import type { HeldCall } from "../holds.ts";
import type { BrazeSnapshot, SimFired } from "./state.ts";

export type BrazeSimState = BrazeSnapshot & { faults: BrazeFaults; held: HeldCall[] };

export interface ClockMove {
  set?: string;
  advanceTo?: string;
  advanceBySeconds?: number;
  frozen?: boolean;
}

export function simClient(url: string) {
  const call = <T>(method: string, path: string, body?: unknown) => callJson<T>(url, method, path, body);
  const held = async () => (await call<{ held: HeldCall[] }>("GET", "/_sim/held")).held;
  return {
    state: () => call<BrazeSimState>("GET", "/_sim/state"),
    /** Merges into the active faults; a key set to null switches it off. */
    faults: (faults: { [K in keyof BrazeFaults]: BrazeFaults[K] | null }) =>
      call<{ faults: BrazeFaults }>("POST", "/_sim/faults", faults),
    clearFaults: () => call<{ faults: BrazeFaults }>("DELETE", "/_sim/faults"),
    hold: (endpoint: string, count = 1) => call<{ held: HeldCall[] }>("POST", "/_sim/hold", { endpoint, count }),
    release: (endpoint?: string) =>
      call<{ released: number }>("POST", "/_sim/release", endpoint === undefined ? {} : { endpoint }),
    held,
    /** Polls until at least n calls are parked, so a test knows the other run is really inside Braze. */
    async waitHeld(n = 1, timeoutMs = 10_000): Promise<HeldCall[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const calls = await held();
        if (calls.length >= n) return calls;
        if (Date.now() > deadline) {
          throw new Error(`waited ${timeoutMs}ms for ${n} held Braze call(s); ${calls.length} held`);
        }
        await delay(10);
      }
    },
    /** With no argument, reads the clock; otherwise moves it and returns what fired on the way. */
    clock:
      ((move?: ClockMove) => move === undefined ? call("GET", "/_sim/clock") : call("POST", "/_sim/clock", move)) as {
        (): Promise<{ clock: string; frozen: boolean }>;
        (move: ClockMove): Promise<{ clock: string; frozen: boolean; fired: SimFired[] }>;
      },
    reset: () => call<BrazeSnapshot>("POST", "/_sim/reset"),
  };
}

export type BrazeSimClient = ReturnType<typeof simClient>;
