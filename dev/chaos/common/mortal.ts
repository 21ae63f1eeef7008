// A drive (one function invocation) that can be killed mid-way, as a deployed
// function is when its isolate is torn down: once dead, every further outside
// call and database call fails, so nothing after the kill point happens.
// Shared by the broadcasts and delete-user chaos runs.
import type { Db } from "../../../src/shared/ports.ts";
import type { Prng, Tally } from "../prng.ts";

export class Killed extends Error {}

/** How a drive's failure is tallied: killed, or the error kind the core reported. */
export const answerKind = (e: unknown): string =>
  e instanceof Killed ? "killed" : ((e as { kind?: string }).kind ?? "error");

export function mortal(rng: Prng, killChance: number, kills: Tally) {
  let dead = false;
  return {
    /**
     * Wraps an outside call. After it answers, the drive dies with killChance,
     * tallied as `killLabel`; a null label never kills there.
     */
    call:
      <A extends unknown[], R>(f: (...a: A) => Promise<R>, killLabel: string | null) => async (...a: A): Promise<R> => {
        if (dead) throw new Killed("killed");
        const r = await f(...a);
        if (killLabel !== null && rng.chance(killChance)) {
          dead = true;
          kills.add(killLabel);
        }
        return r;
      },
    /** The database, failing once the drive is dead. */
    db: (base: Db): Db => ({ rpc: (fn, args) => (dead ? Promise.reject(new Killed("killed")) : base.rpc(fn, args)) }),
  };
}
