import type { Db } from "../../../src/shared/ports.ts";

/** Records every RPC; answers like record_resend_webhook for a new delivery. */
export function recordingDb(): Db & { calls: { fn: string; args: Record<string, unknown> }[] } {
  const calls: { fn: string; args: Record<string, unknown> }[] = [];
  return {
    calls,
    async rpc<T>(fn: string, args: Record<string, unknown> = {}): Promise<T> {
      calls.push({ fn, args });
      return { duplicate: false, applied: true, event_type: args.p_event_type } as T;
    },
  };
}
