// braze-scheduler's core: take the campaign's lease, read the feed and the
// ledger, plan, write every intent, call Braze with bounded concurrency, and
// settle each outcome in the ledger, fenced by the lease token throughout.
import pLimit from "p-limit";
import { UpstreamError } from "../../errors.ts";
import type { Braze, Clock, Db, FootballData, Translator } from "../../ports.ts";
import { type LeaseContext, withLease } from "../lease.ts";
import { type LedgerRow, type PlannedAction, planSchedules } from "./plan.ts";
import { leaseNameFor, type SchedulerSettings } from "./settings.ts";
import { localizedTeams, localizeNames } from "./localize.ts";
import { SettleQueue, type SettleItem } from "./settle-queue.ts";

export interface SchedulerPorts {
  db: Db;
  braze: Braze;
  football: FootballData;
  /** Absent: every locale gets the source names. */
  translator?: Translator;
  clock: Clock;
  newId: () => string;
}

export interface SchedulerCounts extends Record<string, unknown> {
  created: number;
  updated: number;
  cancelled: number;
  unchanged: number;
  skipped: number;
  failed: number;
  uncertain: number;
  deferred: number;
  translator_calls: number;
  translation_fallbacks: number;
  skip_reasons: Record<string, number>;
}

export interface SchedulerOutcome extends SchedulerCounts {
  run_id: string;
  outcome: "completed";
}

interface BegunRow {
  match_id: number;
  id: number;
  version: number;
  status: string;
  attempt_id: string;
}

const DAY = 24 * 60 * 60_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
/** ledger_begin writes at most this many intents per call, keeping each transaction short. */
const BEGIN_CHUNK = 500;

export async function runBrazeScheduler(
  ports: SchedulerPorts,
  settings: SchedulerSettings,
  holder: string,
): Promise<SchedulerOutcome> {
  const { runId, counts } = await withLease(
    ports.db,
    { job: "braze-scheduler", lease: leaseNameFor(settings.campaignId), holder, ttlSeconds: settings.leaseTtlSeconds },
    (lease) => schedule(ports, settings, lease),
  );
  return { run_id: runId, outcome: "completed", ...counts };
}

async function schedule(ports: SchedulerPorts, settings: SchedulerSettings, lease: LeaseContext): Promise<SchedulerCounts> {
  const now = ports.clock.now();
  const [matches, ledger] = await Promise.all([
    ports.football.listMatches({
      competitions: settings.competitions,
      dateFrom: isoDate(now),
      dateTo: isoDate(new Date(now.getTime() + settings.windowDays * DAY)),
    }),
    ports.db.rpc<{ rows: LedgerRow[] }>("ledger_load", { p_campaign_id: settings.campaignId }),
  ]);
  const plan = planSchedules(matches, ledger.rows, now, settings);

  const counts: SchedulerCounts = {
    created: 0, updated: 0, cancelled: 0, unchanged: 0, skipped: 0, failed: 0, uncertain: 0, deferred: 0,
    translator_calls: 0, translation_fallbacks: 0, skip_reasons: {},
  };
  lease.progress = counts;
  const writes: Write[] = [];
  for (const action of plan) {
    if (action.kind === "unchanged") counts.unchanged++;
    else if (action.kind === "skip") {
      counts.skipped++;
      counts.skip_reasons[action.reason] = (counts.skip_reasons[action.reason] ?? 0) + 1;
    } else writes.push(action);
  }
  const work = mostUrgentFirst(writes).slice(0, settings.maxWritesPerRun);
  counts.deferred = writes.length - work.length;
  if (work.length === 0) return counts;
  await localizeMessages(ports, settings, lease, work, counts);

  // Phase 1: every intent is in the ledger, with its attempt id, before any
  // Braze call. A crash from here on leaves rows reconcile can resolve.
  const intents = work.map((action) => intentFor(action, ports.newId()));
  const begun: BegunRow[] = [];
  for (let i = 0; i < intents.length; i += BEGIN_CHUNK) {
    lease.assertLive();
    begun.push(
      ...(await ports.db.rpc<BegunRow[]>("ledger_begin", {
        p_lease: lease.lease,
        p_token: lease.token,
        p_campaign_id: settings.campaignId,
        p_intents: intents.slice(i, i + BEGIN_CHUNK),
      })),
    );
  }

  // Phase 2: Braze, with bounded concurrency; each outcome is settled in the
  // ledger in small batches while the remaining calls proceed.
  const settle = new SettleQueue(ports.db, lease);
  const limit = pLimit(settings.concurrency);
  await Promise.all(
    work.map((action, i) =>
      limit(async () => {
        const row = begun[i]!;
        if (row.status === "cancelled") {
          counts.cancelled++; // a failed row owned nothing at Braze: cancelled in the ledger alone
          return;
        }
        // After a failed renewal no new call starts; the intent stays for reconcile.
        if (lease.signal.aborted) return;
        const result = await callBraze(ports.braze, settings, action, row);
        tally(counts, action.kind, result.outcome);
        settle.push(result);
      }),
    ),
  );
  await settle.drain();
  lease.assertLive();
  return counts;
}

type Write = Exclude<PlannedAction, { kind: "unchanged" } | { kind: "skip" }>;

/**
 * Cancellations first (a postponed match must not be announced), then
 * updates, then creates; each by send time, soonest first. What a run's write
 * budget cannot reach waits for the next run.
 */
function mostUrgentFirst(writes: Write[]): Write[] {
  const rank = { cancel: 0, update: 1, create: 2 } as const;
  const sendAt = (w: Write) => (w.kind === "cancel" ? Date.parse(w.row.send_at) : w.notification.sendAt.getTime());
  return [...writes].sort((a, b) => rank[a.kind] - rank[b.kind] || sendAt(a) - sendAt(b));
}

/** Adds team names in every locale to the messages about to be sent. */
async function localizeMessages(
  ports: SchedulerPorts,
  settings: SchedulerSettings,
  lease: LeaseContext,
  work: Write[],
  counts: SchedulerCounts,
) {
  const notifications = work.flatMap((a) => (a.kind === "cancel" ? [] : [a.notification]));
  const [sourceLocale] = settings.locales as [string, ...string[]];
  const localized = await localizeNames({
    db: ports.db,
    translator: ports.translator,
    texts: notifications.flatMap((n) => [n.homeTeam, n.awayTeam]),
    sourceLocale,
    locales: settings.locales,
    budgetMs: settings.translationBudgetSeconds * 1000,
    signal: lease.signal,
  });
  counts.translator_calls = localized.translatorCalls;
  counts.translation_fallbacks = localized.fallbacks;
  for (const n of notifications) n.message.teams = localizedTeams(localized.names, n.homeTeam, n.awayTeam, sourceLocale);
}

function intentFor(action: Write, attemptId: string) {
  if (action.kind === "cancel") {
    return { action: "cancel", match_id: action.row.match_id, id: action.row.id, version: action.row.version, attempt_id: attemptId };
  }
  const n = action.notification;
  const target = action.kind === "update" ? action.row : action.revive;
  return {
    action: action.kind,
    match_id: n.matchId,
    ...(target ? { id: target.id, version: target.version } : {}),
    attempt_id: attemptId,
    signature: n.signature,
    send_at: n.sendAt.toISOString(),
    kickoff_at: n.kickoffAt.toISOString(),
    message: n.message,
  };
}

async function callBraze(
  braze: Braze,
  settings: SchedulerSettings,
  action: Write,
  row: BegunRow,
): Promise<SettleItem> {
  const base = { id: row.id, version: row.version };
  try {
    if (action.kind === "cancel") {
      await braze.deleteSchedule({ campaignId: settings.campaignId, scheduleId: action.row.braze_schedule_id! });
      return { ...base, outcome: "ok" };
    }
    const input = {
      campaignId: settings.campaignId,
      sendAt: action.notification.sendAt,
      attemptId: row.attempt_id,
      triggerProperties: action.notification.message,
    };
    const { scheduleId } = action.kind === "create"
      ? await braze.createSchedule(input)
      : await braze.updateSchedule({ ...input, scheduleId: action.row.braze_schedule_id! });
    return { ...base, outcome: "ok", braze_schedule_id: scheduleId };
  } catch (e) {
    if (action.kind === "update" && e instanceof UpstreamError && e.status === 404) {
      // Deleted outside, or fired early: the ledger drops the id and the next
      // run creates the schedule again.
      return { ...base, outcome: "lost", error: e.message };
    }
    const unknown = !(e instanceof UpstreamError) || e.outcome === "unknown";
    return { ...base, outcome: unknown ? "uncertain" : "failed", error: (e as Error)?.message ?? String(e) };
  }
}

function tally(counts: SchedulerCounts, kind: "create" | "update" | "cancel", outcome: SettleItem["outcome"]) {
  if (outcome === "failed" || outcome === "lost") counts.failed++;
  else if (outcome === "uncertain") counts.uncertain++;
  else if (kind === "create") counts.created++;
  else if (kind === "update") counts.updated++;
  else counts.cancelled++;
}
