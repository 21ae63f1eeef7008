// The operations view and retention (migration create_ops_status_view): the
// page's data in one read-only round trip, and one bounded pruning batch per
// call under the maintenance lease. Timestamps are ISO strings as json
// renders them.
import type { Db } from "../ports.ts";

/** SQL entry points this module calls, with their argument names; tests/db/data-layer checks them against pg_proc. */
export const procedures = {
  ops_status_snapshot: [],
  maintenance_prune: ["p_lease", "p_token", "p_what", "p_older_than", "p_limit"],
} as const;

/** What maintenance_prune removes, one kind per call (see its comment in the migration). */
export const PRUNE_KINDS = [
  "job_runs",
  "webhook_deliveries",
  "counter_hours",
  "orphan_sightings",
  "ledger_history",
  "cron_run_details",
] as const;
export type PruneKind = (typeof PRUNE_KINDS)[number];

export interface LeaseRow {
  job: string;
  holder: string;
  token: number;
  acquired_at: string;
  expires_at: string;
  live: boolean;
}

/** A run as the page shows it: the snapshot leaves out what no page reads (the run's id, lease name, fencing token). */
export interface RunRow {
  job: string;
  holder: string;
  started_at: string;
  finished_at: string | null;
  outcome: "completed" | "failed" | "locked" | "lease_lost" | null;
  counts: Record<string, unknown>;
  error: string | null;
  duration_ms: number;
  /** For an unfinished run: whether it still holds its lease (running) or not (crashed or stalled). */
  lease_live: boolean;
}

export interface HourlyRuns {
  hour: string;
  outcome: string;
  runs: number;
}

export interface LedgerAttentionRow {
  id: number;
  campaign_id: string;
  match_id: number;
  status: string;
  uncertain_op: string | null;
  version: number;
  attempt_id: string;
  braze_schedule_id: string | null;
  send_at: string;
  updated_at: string;
  last_error: string | null;
  reason: "uncertain" | "stuck";
}

export interface InFlightBroadcast {
  id: string;
  subject: string;
  send_status: string;
  pending_action: string | null;
  previous_status: string | null;
  pending_publish_at: string | null;
  attempts: number;
  last_error: string | null;
  updated_at: string;
  /** Older than the stuck threshold: the resolver's next run claims it. */
  due: boolean;
}

export interface PendingDeletion {
  user_id: string;
  status: string;
  steps: Record<string, unknown>;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  claimed_until: string | null;
  requested_by: string;
  requested_at: string;
  updated_at: string;
}

export interface OpsSnapshot {
  generated_at: string;
  stuck_after_seconds: number;
  leases: LeaseRow[];
  runs: RunRow[];
  runs_per_hour: HourlyRuns[];
  ledger: {
    by_status: { campaign_id: string; status: string; rows: number }[];
    attention: LedgerAttentionRow[];
  };
  webhooks: {
    deliveries: number;
    deliveries_24h: number;
    last_received_at: string | null;
    by_event_type: { event_type: string; deliveries: number; last_received_at: string }[];
    not_applied: number;
    emails_by_status: { status: string; emails: number }[];
    opens: number;
    clicks: number;
    /** null: rejected deliveries are not recorded anywhere (see the migration). */
    rejected: number | null;
  };
  broadcasts: {
    by_status: { status: string; broadcasts: number }[];
    in_flight: InFlightBroadcast[];
  };
  deletions: {
    by_status: { status: string; sagas: number }[];
    pending: PendingDeletion[];
  };
  cron: { name: string; schedule: string; function_name: string }[];
}

export function operations(db: Db) {
  return {
    /** Everything the ops-status page shows (public.ops_status_snapshot()). */
    snapshot: () => db.rpc<OpsSnapshot>("ops_status_snapshot", {}),
    /**
     * Deletes at most `limit` rows of `what` older than `olderThanSeconds`, as the live holder of
     * `lease` with `token`; answers how many it removed (fewer than `limit`: nothing older is left).
     */
    prune: async (input: { lease: string; token: number; what: PruneKind; olderThanSeconds: number; limit: number }) =>
      Number(
        await db.rpc<number>("maintenance_prune", {
          p_lease: input.lease,
          p_token: input.token,
          p_what: input.what,
          p_older_than: `${input.olderThanSeconds} seconds`,
          p_limit: input.limit,
        }),
      ),
  };
}
export type Operations = ReturnType<typeof operations>;
