// braze-scheduler's core: take the campaign's lease, read the feed and the
// ledger, plan, and then batch by batch write the intents and make the Braze
// calls, settling each outcome in the ledger, fenced by the lease token
// throughout. Intents are written only right before their calls start, so a
// crash leaves unknown only the calls that were in flight.
import { type BegunRow, ledger, type LedgerIntent } from "../../data/ledger.ts";
import { UpstreamError } from "../../errors.ts";
import type { Braze, Clock, Db, FootballData, Translator } from "../../ports.ts";
import { withWaitBudget } from "../../providers/braze/client.ts";
import { leaseNameFor, scheduleProperties } from "../braze/campaign.ts";
import { inBatches, type SettleItem, SettleQueue } from "../braze/settle-queue.ts";
import { type LeaseContext, withLease } from "../lease.ts";
import { type PlannedAction, planSchedules } from "./plan.ts";
import type { SchedulerSettings } from "./settings.ts";
import { localizedTeams, localizeNames } from "./localize.ts";

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
  /** Content changes: a new schedule under a new guard key, the old one deleted. */
  replaced: number;
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

const DAY = 24 * 60 * 60_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export async function runBrazeScheduler(
  ports: SchedulerPorts,
  settings: SchedulerSettings,
  holder: string,
): Promise<SchedulerOutcome> {
  const { runId, counts } = await withLease(
    ports.db,
    {
      job: "braze-scheduler",
      lease: leaseNameFor(settings.campaignId),
      holder,
      ttlSeconds: settings.leaseTtlSeconds,
      deadlineMs: settings.runDeadlineSeconds * 1000,
      clock: ports.clock,
    },
    (lease) => schedule(ports, settings, lease),
  );
  return { run_id: runId, outcome: "completed", ...counts };
}

async function schedule(
  ports: SchedulerPorts,
  settings: SchedulerSettings,
  lease: LeaseContext,
): Promise<SchedulerCounts> {
  const localNow = ports.clock.now();
  const [matches, loaded] = await Promise.all([
    ports.football.listMatches({
      competitions: settings.competitions,
      dateFrom: isoDate(localNow),
      // One day past the window: the planner judges each kickoff against the
      // window itself, so a feed that reads dateTo as exclusive still covers it.
      dateTo: isoDate(new Date(localNow.getTime() + (settings.windowDays + 1) * DAY)),
    }),
    ledger(ports.db).load(settings.campaignId),
  ]);
  // Plan on the database's clock: it decides which rows ledger_load returns
  // (send time not yet passed), so judging "too late" or "already sent" on
  // another clock would plan creates for matches whose rows it did not return.
  const now = new Date(loaded.now);
  const plan = planSchedules(matches, loaded.rows, now, settings);

  const counts: SchedulerCounts = {
    created: 0,
    updated: 0,
    replaced: 0,
    cancelled: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    uncertain: 0,
    deferred: 0,
    translator_calls: 0,
    translation_fallbacks: 0,
    skip_reasons: {},
  };
  lease.progress = counts;
  const skip = (reason: string) => {
    counts.skipped++;
    counts.skip_reasons[reason] = (counts.skip_reasons[reason] ?? 0) + 1;
  };
  const writes: Write[] = [];
  for (const action of plan) {
    if (action.kind === "unchanged") counts.unchanged++;
    else if (action.kind === "skip") skip(action.reason);
    else writes.push(action);
  }
  const work = mostUrgentFirst(writes).slice(0, settings.maxWritesPerRun);
  counts.deferred = writes.length - work.length;
  if (work.length === 0) return counts;
  await localizeMessages(ports, settings, lease, work, counts);

  const settle = new SettleQueue(ports.db, {
    lease: lease.lease,
    token: lease.token,
    campaignId: settings.campaignId,
    lose: lease.lose,
  });
  // A 429 whose reset lies past the run's deadline (or any wait that would
  // cross it) is not waited out: the call is refused before it is sent. Once
  // the run cannot prove it holds the lease, the budget is 0: a call waiting
  // for a pacing slot or a retry gives up instead of going out.
  const braze = withWaitBudget(
    ports.braze,
    () => (lease.signal.aborted || settle.failed ? 0 : lease.msToDeadline()),
  );
  let throttled = false;
  const mayStart = () => !lease.signal.aborted && !settle.failed && !throttled && !lease.pastDeadline();

  // Intents are written per batch, right before its calls, with the answers
  // of the batch before (inBatches says why).
  const started = await inBatches(settle, work, {
    width: settings.concurrency,
    mayStart,
    assertLive: () => lease.assertLive(),
    begin: (batch, answered) =>
      ledger(ports.db).begin(
        { lease: lease.lease, token: lease.token, campaignId: settings.campaignId },
        batch.map((action) => intentFor(action, ports.newId())),
        answered,
      ),
    calls: runBatch,
  });
  counts.deferred += work.length - started;
  return counts;

  async function runBatch(batch: Write[], begun: BegunRow[]) {
    await Promise.all(
      batch.map(async (action, i) => {
        const row = begun[i]!;
        if (row.status === "conflict") return skip("conflict");
        if (row.status === "cancelled") {
          counts.cancelled++; // a failed row owned nothing at Braze: cancelled in the ledger alone
          return;
        }
        if (!mayStart()) {
          // Never sent: back to "needs work" by compare-and-set, for the next run.
          counts.deferred++;
          settle.push({
            id: row.id,
            version: row.version,
            outcome: "failed",
            error: "not sent: the run stopped first",
          });
          return;
        }
        const result = await callBraze(braze, settings, action, row);
        if (result.outcome === "failed" && result.throttled) {
          // Refused before anything happened: this and every later call wait for the next run.
          throttled = true;
          counts.deferred++;
        } else {
          tally(counts, action.kind, result.outcome);
        }
        settle.push(result.item);
      }),
    );
  }
}

type Write = Exclude<PlannedAction, { kind: "unchanged" } | { kind: "skip" }>;

/**
 * Cancellations first (a postponed match must not be announced), then
 * updates, then creates; each by send time, soonest first. What a run's write
 * budget cannot reach waits for the next run.
 */
function mostUrgentFirst(writes: Write[]): Write[] {
  const rank = { cancel: 0, update: 1, replace: 1, create: 2 } as const;
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
  for (const n of notifications) {
    n.message.teams = localizedTeams(localized.names, n.homeTeam, n.awayTeam, sourceLocale);
  }
}

function intentFor(action: Write, attemptId: string): LedgerIntent {
  if (action.kind === "cancel") {
    return {
      action: "cancel",
      match_id: action.row.match_id,
      id: action.row.id,
      version: action.row.version,
      attempt_id: attemptId,
    };
  }
  const n = action.notification;
  const content = {
    match_id: n.matchId,
    attempt_id: attemptId,
    signature: n.signature,
    send_at: n.sendAt.toISOString(),
    kickoff_at: n.kickoffAt.toISOString(),
    message: n.message,
  };
  if (action.kind === "create" && action.retry) {
    return { action: "retry_create", id: action.retry.id, version: action.retry.version, ...content };
  }
  const target = action.kind === "create" ? action.revive : action.row;
  return { action: action.kind, ...(target ? { id: target.id, version: target.version } : {}), ...content };
}

async function callBraze(
  braze: Braze,
  settings: SchedulerSettings,
  action: Write,
  row: BegunRow,
): Promise<{ item: SettleItem; outcome: SettleItem["outcome"]; throttled?: boolean }> {
  const base = { id: row.id, version: row.version };
  const done = (item: SettleItem, throttled = false) => ({ item, outcome: item.outcome, throttled });
  try {
    if (action.kind === "cancel") {
      await braze.deleteSchedule({ campaignId: settings.campaignId, scheduleId: action.row.braze_schedule_id! });
      return done({ ...base, outcome: "ok" });
    }
    const input = {
      campaignId: settings.campaignId,
      sendAt: action.notification.sendAt,
      attemptId: row.attempt_id,
      // The guard key the ledger answered: a create's own attempt id; an
      // update keeps the key of the schedule it moves.
      triggerProperties: scheduleProperties(action.notification.message, row.guard_key),
    };
    if (action.kind === "update") {
      const { scheduleId } = await braze.updateSchedule({ ...input, scheduleId: action.row.braze_schedule_id! });
      return done({ ...base, outcome: "ok", braze_schedule_id: scheduleId });
    }
    const { scheduleId } = await braze.createSchedule(input);
    if (action.kind === "replace") await deleteReplaced(braze, settings.campaignId, action.row.braze_schedule_id);
    return done({ ...base, outcome: "ok", braze_schedule_id: scheduleId });
  } catch (e) {
    if (action.kind === "update" && e instanceof UpstreamError && e.status === 404) {
      // Deleted outside, or fired early: the ledger drops the id and the next
      // run creates the schedule again.
      return done({ ...base, outcome: "lost", error: e.message });
    }
    const unknown = !(e instanceof UpstreamError) || e.outcome === "unknown";
    const throttled = e instanceof UpstreamError && e.outcome === "rejected" && e.status === 429;
    return done(
      { ...base, outcome: unknown ? "uncertain" : "failed", error: (e as Error)?.message ?? String(e) },
      throttled,
    );
  }
}

/**
 * Deletes the schedule a replacement superseded. Best effort: once the new
 * schedule is settled the guard refuses the old one's key at send time, so a
 * delete that fails costs a schedule that fires and aborts, never a second push.
 */
export async function deleteReplaced(braze: Braze, campaignId: string, scheduleId: string | null): Promise<void> {
  if (!scheduleId) return;
  await braze.deleteSchedule({ campaignId, scheduleId }).catch(() => {});
}

function tally(counts: SchedulerCounts, kind: Write["kind"], outcome: SettleItem["outcome"]) {
  if (outcome === "failed" || outcome === "lost") counts.failed++;
  else if (outcome === "uncertain") counts.uncertain++;
  else if (kind === "create") counts.created++;
  else if (kind === "update") counts.updated++;
  else if (kind === "replace") counts.replaced++;
  else counts.cancelled++;
}
