// The Braze delivery guard (migration create_schedule_ledger): at send time a
// push template asks, with the guard key its schedule carries, whether to
// deliver. The first eligible key of a match claims the delivery; the same key
// again is told to send, any other key to abort.
import type { Db } from "../ports.ts";

/** SQL entry points this module calls, with their argument names; tests/db/data-layer checks them against pg_proc. */
export const procedures = {
  braze_send_guard: ["p_key", "p_tolerance_seconds"],
} as const;

/** The guard's answer, as the push template reads it. */
export interface GuardAnswer {
  send: boolean;
  reason: string;
}

export function sendGuard(db: Db) {
  return {
    /** Whether the schedule carrying `key` may deliver now; claims the match's delivery for it when it is the first. */
    ask: (input: { key: string; toleranceSeconds: number }) =>
      db.rpc<GuardAnswer>("braze_send_guard", { p_key: input.key, p_tolerance_seconds: input.toleranceSeconds }),
  };
}

export type SendGuard = ReturnType<typeof sendGuard>;
