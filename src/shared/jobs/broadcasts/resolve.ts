// The resolver (cron): every row stuck in flight or uncertain longer than the
// grace period is taken over, the provider's state of its broadcast is read
// (by id, or by our name when the create's answer was lost), and the row is
// moved to match it. Nothing is sent again. A row whose provider state cannot
// be read within maxAttempts becomes 'unresolved' with the reason, so every
// row ends in a bounded number of runs, whatever changed in the configuration.
// Runs under a lease so two cron runs never drive the same rows at once.
import { broadcasts } from "../../data/broadcasts.ts";
import { withLease } from "../lease.ts";
import { driveOperation } from "./drive.ts";
import type { BroadcastPorts } from "./types.ts";

export interface ResolverSettings {
  graceSeconds: number;
  batchSize: number;
  leaseTtlSeconds: number;
  /** Drives of one operation after which an unreadable provider state makes the row unresolved. */
  maxAttempts: number;
}

export interface ResolvedItem {
  broadcast_id: string;
  action: string | null;
  key: string | null;
  outcome: "confirmed" | "rolled_back" | "uncertain" | "settled" | "unresolved";
  status: string | null;
  /** Why the row was stuck: the divergence recorded when the first attempt ended. */
  stuck_because: string | null;
  error?: string;
}

export interface ResolverCounts extends Record<string, unknown> {
  claimed: number;
  confirmed: number;
  rolled_back: number;
  uncertain: number;
  /** Read back: the operation had not taken effect, and the row now says what the provider has. */
  settled: number;
  /** The provider could not be read within maxAttempts: shown on the operations page. */
  unresolved: number;
  /** One line per row, so the run history explains every divergence it met. */
  items: ResolvedItem[];
}

export const RESOLVER_LEASE = "broadcasts-resolve";

export async function runBroadcastResolver(ports: BroadcastPorts, settings: ResolverSettings, holder: string) {
  const { runId, counts } = await withLease(
    ports.db,
    { job: "broadcasts-resolve", lease: RESOLVER_LEASE, holder, ttlSeconds: settings.leaseTtlSeconds },
    async (lease) => {
      const counts: ResolverCounts = {
        claimed: 0,
        confirmed: 0,
        rolled_back: 0,
        uncertain: 0,
        settled: 0,
        unresolved: 0,
        items: [],
      };
      lease.progress = counts;
      const rows = await broadcasts(ports.db).claimStuck({
        graceSeconds: settings.graceSeconds,
        limit: settings.batchSize,
      });
      counts.claimed = rows.length;
      // One at a time: the batch is small, and Resend's default budget is a
      // couple of requests per second.
      for (const row of rows) {
        lease.assertLive();
        const result = await driveOperation(ports, row, { mode: "resolver", maxAttempts: settings.maxAttempts });
        counts[result.outcome]++;
        counts.items.push({
          broadcast_id: row.id,
          action: row.pending_action,
          key: row.operation_key,
          outcome: result.outcome,
          status: result.row?.send_status ?? null,
          stuck_because: row.last_error,
          ...("error" in result ? { error: result.error } : {}),
        });
      }
      return counts;
    },
  );
  return { run_id: runId, ...counts };
}
