import type { Match } from "../../../src/shared/ports.ts";
import type { LedgerRow } from "../../../src/shared/jobs/braze-scheduler/plan.ts";
import { notificationFor } from "../../../src/shared/jobs/braze-scheduler/signature.ts";

export const NOW = new Date("2026-11-22T10:00:00Z");
export const SETTINGS = {
  leadMinutes: 60,
  updateBufferMinutes: 20,
  windowDays: 14,
  templateVersion: "v1",
  createMarginSeconds: 60,
};

export function match(id: number, utcDate: string, overrides: Partial<Match> = {}): Match {
  return {
    id,
    utcDate,
    status: "TIMED",
    competition: { id: 2021, code: "PL" },
    homeTeam: { id: 1, name: "Arsenal FC" },
    awayTeam: { id: 2, name: "Chelsea FC" },
    ...overrides,
  };
}

/** The ledger row a successful earlier run would have left for this match. */
export function scheduledRow(m: Match, overrides: Partial<LedgerRow> = {}): LedgerRow {
  const n = notificationFor(m, SETTINGS.leadMinutes, SETTINGS.templateVersion)!;
  return {
    id: m.id * 10,
    match_id: m.id,
    status: "scheduled",
    version: 2,
    attempt_id: "00000000-0000-4000-8000-000000000000",
    guard_key: "00000000-0000-4000-8000-000000000000",
    braze_schedule_id: `sched-${m.id}`,
    signature: n.signature,
    send_at: n.sendAt.toISOString(),
    message: n.message,
    ...overrides,
  };
}
