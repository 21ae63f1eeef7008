// Fixtures for the lease unit tests: a fake Db whose renewals each test scripts.
import type { Db } from "../../../src/shared/ports.ts";

/** A Db that grants the lease and lets each test decide how renewals answer. */
export function leaseDb(renew: (attempt: number) => Promise<unknown>) {
  const calls: { fn: string; args: Record<string, unknown> | undefined }[] = [];
  let renewals = 0;
  const db: Db = {
    async rpc<T>(fn: string, args?: Record<string, unknown>): Promise<T> {
      calls.push({ fn, args });
      const now = new Date();
      if (fn === "begin_job_run") {
        return {
          run_id: "run-1",
          acquired: true,
          token: 7,
          now: now.toISOString(),
          expires_at: new Date(now.getTime() + 60_000).toISOString(),
        } as T;
      }
      if (fn === "renew_job_lease") return (await renew(++renewals)) as T;
      if (fn === "finish_job_run") return { run_id: "run-1" } as T;
      throw new Error(`unexpected rpc ${fn}`);
    },
  };
  const finish = () => calls.find((c) => c.fn === "finish_job_run")?.args;
  const renewCount = () => renewals;
  return { db, calls, finish, renewCount };
}

export const granted = () => {
  const now = new Date();
  return { token: 7, now: now.toISOString(), expires_at: new Date(now.getTime() + 60_000).toISOString() };
};

/** Resolves once `check` holds, polling on the event loop (no fixed sleep). */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}
