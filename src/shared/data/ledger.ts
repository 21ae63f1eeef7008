// The schedule ledger (migration create_schedule_ledger): what this project
// believes Braze has scheduled per campaign and match, written as intents
// before each Braze call and settled after, every write fenced by the
// campaign's lease. Row types are declared here once.
import type { Db } from "../ports.ts";

/** SQL entry points this module calls, with their argument names; tests/db/data-layer checks them against pg_proc. */
export const procedures = {
  ledger_load: ["p_campaign_id"],
  ledger_begin: ["p_lease", "p_token", "p_campaign_id", "p_intents", "p_outcomes"],
  ledger_settle: ["p_lease", "p_token", "p_campaign_id", "p_results"],
  ledger_load_unresolved: ["p_campaign_id", "p_older_than_seconds"],
  ledger_record_orphans: ["p_lease", "p_token", "p_campaign_id", "p_orphans"],
} as const;

export type LedgerStatus = "creating" | "scheduled" | "updating" | "cancelling" | "failed" | "uncertain";

/** A live ledger row as ledger_load returns it. */
export interface LedgerRow {
  id: number;
  match_id: number;
  status: LedgerStatus;
  version: number;
  attempt_id: string;
  /**
   * The key the row's Braze schedule carries in trigger_properties.guard_key:
   * the attempt id of the create that made (or is making) it. An update keeps
   * it, since Braze may not apply trigger_properties on update.
   */
  guard_key: string;
  braze_schedule_id: string | null;
  signature: string;
  send_at: string;
  message: Record<string, unknown>;
  /** While uncertain: which operation's outcome is unknown. */
  uncertain_op?: "create" | "update" | "cancel" | null;
}

/** A row as ledger_load_unresolved returns it, for reconcile. */
export interface ReconcileRow extends LedgerRow {
  uncertain_op: "create" | "update" | "cancel" | null;
  updated_at: string;
  /** Among live rows: the attempt id before the row's current operation. */
  previous_attempt_id?: string | null;
}

/**
 * One intent. `create` inserts a row (or, with id and version, revives a
 * failed one); `replace` makes a new schedule for a scheduled row whose
 * content changed (the old one is deleted once the new one exists);
 * `retry_create` makes a fresh attempt, under a new guard key, for a create
 * whose outcome is unknown (with the feed's current target, from the scheduler); `recreate` makes a new schedule for a row whose
 * schedule Braze lost; `update` moves a schedule's time; `cancel` removes it (in the ledger alone for
 * a failed row, or an unknown create holding no schedule id).
 */
export type LedgerIntent =
  | {
    action: "create" | "update" | "replace";
    match_id: number;
    id?: number;
    version?: number;
    attempt_id: string;
    signature: string;
    send_at: string;
    kickoff_at: string;
    message: Record<string, unknown>;
  }
  | {
    action: "cancel" | "recreate" | "retry_create";
    match_id: number;
    id: number;
    version: number;
    attempt_id: string;
  }
  | {
    /** The scheduler's retry: the unknown create made again with the feed's current target. */
    action: "retry_create";
    match_id: number;
    id: number;
    version: number;
    attempt_id: string;
    signature: string;
    send_at: string;
    kickoff_at: string;
    message: Record<string, unknown>;
  };

/** ledger_begin's answer per intent, in order. */
export interface BegunRow {
  match_id: number;
  id: number;
  version: number;
  /** "conflict": the intent lost a compare-and-set (or the match has another live row); nothing was written. */
  status: string;
  attempt_id: string;
  guard_key: string;
}

/** The outcome of one Braze call (or one resolution) for ledger_settle. */
export interface SettleItem {
  id: number;
  version: number;
  outcome: "ok" | "failed" | "uncertain" | "lost";
  braze_schedule_id?: string;
  error?: string;
}

export interface SettleResult {
  applied: number;
  stale: number[];
}

export interface Fence {
  lease: string;
  token: number;
  campaignId: string;
}

export function ledger(db: Db) {
  const fenced = (f: Fence) => ({ p_lease: f.lease, p_token: f.token, p_campaign_id: f.campaignId });
  return {
    /** Every live row still ahead of its send time, every unresolved row, and the database's now. */
    load: (campaignId: string) =>
      db.rpc<{ now: string; rows: LedgerRow[] }>("ledger_load", { p_campaign_id: campaignId }),
    /**
     * Writes intents; one answer per intent, a lost compare-and-set as
     * `conflict`. `outcomes` (earlier calls' answers) are settled first, in
     * the same transaction.
     */
    begin: (fence: Fence, intents: LedgerIntent[], outcomes: SettleItem[] = []) =>
      db.rpc<BegunRow[]>("ledger_begin", { ...fenced(fence), p_intents: intents, p_outcomes: outcomes }),
    /** Settles outcomes by compare-and-set on the version each intent was written with. */
    settle: (fence: Fence, results: SettleItem[]) =>
      db.rpc<SettleResult>("ledger_settle", { ...fenced(fence), p_results: results }),
    /** Rows left between states for longer than the grace period, and every live row. */
    loadUnresolved: (input: { campaignId: string; olderThanSeconds: number }) =>
      db.rpc<{ now: string; unresolved: ReconcileRow[]; live: ReconcileRow[] }>("ledger_load_unresolved", {
        p_campaign_id: input.campaignId,
        p_older_than_seconds: input.olderThanSeconds,
      }),
    /** Records the schedules no live row owns; answers how long each has been seen. */
    recordOrphans: (fence: Fence, orphans: { schedule_id: string; attempt_id: string | null }[]) =>
      db.rpc<{ schedule_id: string; seen_for_seconds: number }[]>("ledger_record_orphans", {
        ...fenced(fence),
        p_orphans: orphans,
      }),
  };
}

export type Ledger = ReturnType<typeof ledger>;
