// What public.ops_status_snapshot() returns (see its migration), and the one
// call that reads it. Timestamps are ISO strings as jsonb renders them.
import type { Db } from "../../ports.ts";

export interface LeaseRow {
  job: string;
  holder: string;
  token: number;
  acquired_at: string;
  expires_at: string;
  live: boolean;
}

export interface RunRow {
  id: string;
  job: string;
  lease: string;
  holder: string;
  fencing_token: number | null;
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

export function loadSnapshot(db: Db): Promise<OpsSnapshot> {
  return db.rpc<OpsSnapshot>("ops_status_snapshot", {});
}
