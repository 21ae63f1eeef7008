// braze-reconcile's core: under the same lease as the scheduler (so the two
// never interleave), resolve rows a crash or an unknown outcome left between
// states, cancel schedules nobody owns, and re-create schedules Braze lost.
import { type BegunRow, ledger, type LedgerIntent } from "../../data/ledger.ts";
import { UpstreamError } from "../../errors.ts";
import type { Braze, Clock, Db } from "../../ports.ts";
import { withWaitBudget } from "../../providers/braze/client.ts";
import { leaseNameFor, scheduleProperties } from "../braze/campaign.ts";
import { inBatches, type SettleItem, SettleQueue } from "../braze/settle-queue.ts";
import { type LeaseContext, withLease } from "../lease.ts";
import { type Decision, planReconcile } from "./plan.ts";
import type { ReconcileSettings } from "./settings.ts";

export interface ReconcilePorts {
  db: Db;
  braze: Braze;
  clock: Clock;
  newId: () => string;
}

export interface ReconcileCounts extends Record<string, unknown> {
  mode: "listing" | "ledger";
  adopted: number;
  cancelled: number;
  recreated: number;
  reset: number;
  /** Creates of unknown outcome made again under a new guard key (ledger-only mode). */
  retried: number;
  /** Creates of unknown outcome too near their send time to make again; the guard decides. */
  waiting: number;
  /** Creates of unknown outcome past any delivery, settled as failed. */
  expired: number;
  /** Creates begun but not started because the run stopped first, settled failed for the scheduler. */
  not_sent: number;
  unchanged: number;
  lost_reported: number;
  orphans_waiting: number;
  failed: number;
}

export async function runBrazeReconcile(ports: ReconcilePorts, settings: ReconcileSettings, holder: string) {
  const { runId, counts } = await withLease(
    ports.db,
    { job: "braze-reconcile", lease: leaseNameFor(settings.campaignId), holder, ttlSeconds: settings.leaseTtlSeconds },
    (lease) => reconcile(ports, settings, lease),
  );
  return { run_id: runId, outcome: "completed" as const, ...counts };
}

async function reconcile(
  ports: ReconcilePorts,
  settings: ReconcileSettings,
  lease: LeaseContext,
): Promise<ReconcileCounts> {
  const rows = ledger(ports.db);
  const fence = { lease: lease.lease, token: lease.token, campaignId: settings.campaignId };
  const snapshot = await rows.loadUnresolved({
    campaignId: settings.campaignId,
    olderThanSeconds: settings.graceSeconds,
  });
  // The database's clock: it decided which rows are past their grace period
  // and judges every send time (as the scheduler's plan does).
  const now = new Date(snapshot.now);
  const latestSend = Math.max(now.getTime(), ...snapshot.live.map((r) => Date.parse(r.send_at)));
  // Snapshot first, listing second: a schedule created after the snapshot can
  // only appear as an orphan, and orphans wait out the grace period.
  const listing = ports.braze.listSchedules
    ? await ports.braze.listSchedules({ endTime: new Date(latestSend + 60_000) })
    : null;
  const { decisions, unchanged } = planReconcile({
    unresolved: snapshot.unresolved,
    live: snapshot.live,
    listing,
    campaignId: settings.campaignId,
    nowMs: now.getTime(),
    settings,
  });

  const counts: ReconcileCounts = {
    mode: listing ? "listing" : "ledger",
    adopted: 0,
    cancelled: 0,
    recreated: 0,
    reset: 0,
    retried: 0,
    waiting: 0,
    expired: 0,
    not_sent: 0,
    unchanged,
    lost_reported: 0,
    orphans_waiting: 0,
    failed: 0,
  };
  lease.progress = counts;
  const settle = new SettleQueue(ports.db, {
    lease: lease.lease,
    token: lease.token,
    campaignId: settings.campaignId,
    lose: lease.lose,
  });

  const orphans = decisions.filter((d): d is Extract<Decision, { kind: "orphan" }> => d.kind === "orphan");
  const sightings = orphans.length || listing
    ? await rows.recordOrphans(
      fence,
      orphans.map((o) => ({ schedule_id: o.scheduleId, attempt_id: o.attemptId ?? null })),
    )
    : [];
  const seenFor = new Map(sightings.map((s) => [s.schedule_id, Number(s.seen_for_seconds)]));
  const mayStart = () => !lease.signal.aborted && !settle.failed;
  // Once the run cannot prove it holds the lease, a call waiting for a retry
  // or a 429's reset gives up instead of going out (the budget answers 0).
  const braze = withWaitBudget(ports.braze, () => (mayStart() ? Infinity : 0));

  // Creates get their intents (a fresh attempt, a new guard key) per batch,
  // right before their calls, with the answers of the batch before
  // (inBatches says why): a crash or a lost lease never leaves
  // planned-but-unstarted creates with an unknown outcome.
  await inBatches(settle, decisions, {
    width: settings.concurrency,
    mayStart,
    assertLive: () => lease.assertLive(),
    begin: async (batch, answered) => {
      const creates = batch.filter(writesAttempt(settings));
      if (!creates.length && !answered.length) return new Map<number, BegunRow>();
      const begun = await rows.begin(
        fence,
        creates.map((d): LedgerIntent => ({
          action: d.kind,
          match_id: d.row.match_id,
          id: d.row.id,
          version: d.row.version,
          attempt_id: ports.newId(),
        })),
        answered,
      );
      // A conflict (the row moved on since the snapshot) is left for the next reconcile.
      return new Map(begun.filter((b) => b.status !== "conflict").map((b) => [b.id, b]));
    },
    calls: (batch, begunById) =>
      Promise.all(batch.map(async (decision) => {
        if (!mayStart()) {
          const begun = "row" in decision ? begunById.get(decision.row.id) : undefined;
          if (begun && writesAttempt(settings)(decision)) {
            // Never sent: back to "needs work" by compare-and-set (a create
            // becomes failed, which the scheduler revives), not left unknown.
            counts.not_sent++;
            settle.push({
              id: begun.id,
              version: begun.version,
              outcome: "failed",
              error: "not sent: the run stopped first",
            });
          }
          return;
        }
        const item = await act(braze, settings, decision, begunById, seenFor, counts);
        if (item) settle.push(item);
      })).then(() => {}),
  });
  lease.assertLive();
  return counts;
}

type CreateDecision = Extract<Decision, { kind: "recreate" | "retry_create" }>;

/** Decisions that write a fresh attempt (a new guard key) before their create call. */
const writesAttempt = (settings: ReconcileSettings) => (d: Decision): d is CreateDecision =>
  (d.kind === "recreate" && settings.recreateLost) || d.kind === "retry_create";

async function act(
  braze: Braze,
  settings: ReconcileSettings,
  decision: Decision,
  begunById: Map<number, BegunRow>,
  seenFor: Map<string, number>,
  counts: ReconcileCounts,
): Promise<SettleItem | null> {
  const campaignId = settings.campaignId;
  switch (decision.kind) {
    case "adopt":
      counts.adopted++;
      return {
        id: decision.row.id,
        version: decision.row.version,
        outcome: "ok",
        braze_schedule_id: decision.scheduleId,
      };
    case "confirm_cancel":
      counts.cancelled++;
      return { id: decision.row.id, version: decision.row.version, outcome: "ok" };
    case "reset":
      counts.reset++;
      return {
        id: decision.row.id,
        version: decision.row.version,
        outcome: "failed",
        error: "reconcile: Braze has no schedule from this attempt",
      };
    case "lost":
      counts.reset++;
      return {
        id: decision.row.id,
        version: decision.row.version,
        outcome: "lost",
        error: "reconcile: the schedule is gone from Braze",
      };
    case "wait":
      counts.waiting++;
      return null;
    case "expire":
      counts.expired++;
      return {
        id: decision.row.id,
        version: decision.row.version,
        outcome: "failed",
        error: "reconcile: a create of unknown outcome whose send time is past any delivery",
      };
    case "orphan": {
      if ((seenFor.get(decision.scheduleId) ?? 0) < settings.graceSeconds) {
        counts.orphans_waiting++;
        return null;
      }
      await tryCall(() => braze.deleteSchedule({ campaignId, scheduleId: decision.scheduleId }), counts).then((ok) =>
        ok && counts.cancelled++
      );
      return null;
    }
    case "recreate":
    case "retry_create": {
      if (decision.kind === "recreate" && !settings.recreateLost) {
        counts.lost_reported++;
        return null;
      }
      const begun = begunById.get(decision.row.id);
      if (!begun) return null;
      const base = { id: begun.id, version: begun.version };
      try {
        const { scheduleId } = await braze.createSchedule({
          campaignId,
          sendAt: new Date(decision.row.send_at),
          attemptId: begun.attempt_id,
          triggerProperties: scheduleProperties(decision.row.message, begun.guard_key),
        });
        if (decision.kind === "recreate") counts.recreated++;
        else {
          counts.retried++;
          // A replacement interrupted by a crash: the schedule it replaces is
          // still the row's braze_schedule_id. Best effort: once this one is
          // settled the guard refuses the old one's key anyway.
          if (decision.row.braze_schedule_id) {
            await braze.deleteSchedule({ campaignId, scheduleId: decision.row.braze_schedule_id }).catch(() => {});
          }
        }
        return { ...base, outcome: "ok", braze_schedule_id: scheduleId };
      } catch (e) {
        counts.failed++;
        return { ...base, outcome: isUnknown(e) ? "uncertain" : "failed", error: (e as Error).message };
      }
    }
    case "retry_update":
    case "retry_cancel": {
      const row = decision.row;
      const base = { id: row.id, version: row.version };
      try {
        if (decision.kind === "retry_cancel") {
          await braze.deleteSchedule({ campaignId, scheduleId: row.braze_schedule_id! });
          counts.cancelled++;
          return { ...base, outcome: "ok" };
        }
        const { scheduleId } = await braze.updateSchedule({
          campaignId,
          scheduleId: row.braze_schedule_id!,
          sendAt: new Date(row.send_at),
          attemptId: row.attempt_id,
          triggerProperties: scheduleProperties(row.message, row.guard_key),
        });
        counts.adopted++;
        return { ...base, outcome: "ok", braze_schedule_id: scheduleId };
      } catch (e) {
        if (e instanceof UpstreamError && e.status === 404) {
          counts.reset++;
          return { ...base, outcome: "lost", error: "reconcile: the schedule is gone from Braze" };
        }
        counts.failed++;
        // Unknown (a timeout, a 5xx): Braze may have applied it; the row
        // stays unresolved and the next reconcile repeats the call. So does a
        // refused cancel: ledger_settle keeps a failed cancel's intent
        // (cancelling, the guard refuses the match's key) for reconcile to
        // repeat, so settling it would change nothing but its version.
        if (isUnknown(e) || decision.kind === "retry_cancel") return null;
        // A refused update: Braze certainly did not apply it, so its schedule
        // still has the last confirmed time. ledger_settle turns a failed
        // update back into scheduled with its previous target, and the
        // scheduler decides again; repeating the refused call every reconcile
        // would leave the row unresolved for good.
        return { ...base, outcome: "failed", error: `reconcile: Braze refused the call: ${(e as Error).message}` };
      }
    }
  }
}

const isUnknown = (e: unknown) => !(e instanceof UpstreamError) || e.outcome === "unknown";

async function tryCall(call: () => Promise<unknown>, counts: ReconcileCounts): Promise<boolean> {
  try {
    await call();
    return true;
  } catch {
    counts.failed++;
    return false;
  }
}
