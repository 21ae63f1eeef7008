// A snapshot as public.ops_status_snapshot() shapes it, for the unit tests.
import type { OpsSnapshot } from "../../../src/shared/data/operations.ts";

export const NOW = "2026-11-22T12:30:00+00:00";

export function snapshot(patch: Partial<OpsSnapshot> = {}): OpsSnapshot {
  return {
    generated_at: NOW,
    stuck_after_seconds: 600,
    leases: [],
    runs: [],
    runs_per_hour: [],
    ledger: { by_status: [], attention: [] },
    webhooks: {
      deliveries: 0,
      deliveries_24h: 0,
      last_received_at: null,
      by_event_type: [],
      not_applied: 0,
      emails_by_status: [],
      opens: 0,
      clicks: 0,
      rejected: null,
    },
    broadcasts: { by_status: [], in_flight: [] },
    deletions: { by_status: [], pending: [] },
    cron: [],
    ...patch,
  };
}
