// Wraps the Db port to count round trips: every rpc() is one statement sent to
// Postgres and one answer back, whichever adapter is underneath.
import type { Db } from "../../src/shared/ports.ts";

export interface CountingDb extends Db {
  readonly calls: number;
  /** Round trips per SQL function, for the report. */
  readonly byFunction: ReadonlyMap<string, number>;
}

export function countingDb(inner: Db): CountingDb {
  const byFunction = new Map<string, number>();
  let calls = 0;
  return {
    rpc<T>(fn: string, args?: Record<string, unknown>): Promise<T> {
      calls++;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + 1);
      return inner.rpc<T>(fn, args);
    },
    get calls() {
      return calls;
    },
    byFunction,
  };
}
