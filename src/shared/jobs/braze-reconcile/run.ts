// braze-reconcile's core: under the same lease as the scheduler (so the two
// never interleave), resolve rows a crash or an unknown outcome left between
// states, cancel schedules nobody owns, and re-create schedules Braze lost.
import pLimit from "p-limit";
import { UpstreamError } from "../../errors.ts";
import type { Braze, Clock, Db } from "../../ports.ts";
import { leaseNameFor } from "../braze-scheduler/settings.ts";
import { type SettleItem, SettleQueue } from "../braze-scheduler/settle-queue.ts";
import { type LeaseContext, withLease } from "../lease.ts";
import { type Decision, planReconcile, type ReconcileRow } from "./plan.ts";
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
  unchanged: number;
  unresolvable: number;
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
  const snapshot = await ports.db.rpc<{ unresolved: ReconcileRow[]; live: ReconcileRow[] }>("ledger_load_unresolved", {
    p_campaign_id: settings.campaignId,
    p_older_than_seconds: settings.graceSeconds,
  });
  const now = ports.clock.now();
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
    unchanged,
    unresolvable: 0,
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
  const limit = pLimit(settings.concurrency);
  const fenced = { p_lease: lease.lease, p_token: lease.token };

  const orphans = decisions.filter((d): d is Extract<Decision, { kind: "orphan" }> => d.kind === "orphan");
  const sightings = orphans.length || listing
    ? await ports.db.rpc<{ schedule_id: string; seen_for_seconds: number }[]>("ledger_record_orphans", {
      ...fenced,
      p_campaign_id: settings.campaignId,
      p_orphans: orphans.map((o) => ({ schedule_id: o.scheduleId, attempt_id: o.attemptId ?? null })),
    })
    : [];
  const seenFor = new Map(sightings.map((s) => [s.schedule_id, Number(s.seen_for_seconds)]));

  const recreate = settings.recreateLost ? decisions.filter((d) => d.kind === "recreate") : [];
  const begun = recreate.length
    ? await ports.db.rpc<{ id: number; version: number; attempt_id: string; status: string }[]>("ledger_begin", {
      ...fenced,
      p_campaign_id: settings.campaignId,
      p_intents: recreate.map((d) => ({
        action: "recreate",
        match_id: d.row.match_id,
        id: d.row.id,
        version: d.row.version,
        attempt_id: ports.newId(),
      })),
    })
    : [];
  // A conflict (the row moved on since the snapshot) is left for the next reconcile.
  const begunById = new Map(begun.filter((b) => b.status !== "conflict").map((b) => [b.id, b]));

  await Promise.all(
    decisions.map((decision) =>
      limit(async () => {
        if (lease.signal.aborted || settle.failed) return;
        const item = await act(ports.braze, settings, decision, begunById, seenFor, counts);
        if (item) settle.push(item);
      })
    ),
  );
  await settle.drain();
  lease.assertLive();
  return counts;
}

async function act(
  braze: Braze,
  settings: ReconcileSettings,
  decision: Decision,
  begunById: Map<number, { id: number; version: number; attempt_id: string }>,
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
    case "unresolvable":
      counts.unresolvable++;
      return null;
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
    case "recreate": {
      if (!settings.recreateLost) {
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
          triggerProperties: decision.row.message,
        });
        counts.recreated++;
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
          triggerProperties: row.message,
        });
        counts.adopted++;
        return { ...base, outcome: "ok", braze_schedule_id: scheduleId };
      } catch (e) {
        if (e instanceof UpstreamError && e.status === 404) {
          counts.reset++;
          return { ...base, outcome: "lost", error: "reconcile: the schedule is gone from Braze" };
        }
        counts.failed++;
        return null; // still unresolved; the next reconcile tries again
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
