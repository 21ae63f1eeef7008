// What production-mode chaos checks, from what users got (the Braze
// simulator's deliveries, each rendered from the campaign's template through
// the served guard) and what the feed said at each send time.
import type { Sql } from "postgres";
import type { SchedulerSettings } from "../../../src/shared/jobs/braze-scheduler/settings.ts";
import { normalizeTeamName, notificationFor } from "../../../src/shared/jobs/braze-scheduler/signature.ts";
import type { Match } from "../../../src/shared/ports.ts";
import type { BrazeSimClient } from "../../sim/braze.ts";
import { type Settle, settleRounds } from "../common/settle.ts";
import { isSchedulable, type ProductionFeed } from "./feed.ts";

const MINUTE = 60_000;
const UNRESOLVED = ["creating", "updating", "cancelling", "uncertain"];
/** Counts that mean a round still changed something (whichever of them a core reports). */
const WORK = [
  "created",
  "updated",
  "replaced",
  "cancelled",
  "failed",
  "uncertain",
  "adopted",
  "recreated",
  "reset",
  "retried",
  "lost_reported",
  "orphans_waiting",
];

/** Alternates scheduler and reconcile (ledger-only) until a round does nothing and no row is unresolved. */
export const settleLedger: Settle = (sql, ports, settings, maxMs) =>
  settleRounds(sql, ports, settings, maxMs, async (s, r) => {
    const busy = [s, r].reduce(
      (n, c) => n + WORK.reduce((m, k) => m + Number((c as Record<string, unknown>)[k] ?? 0), 0),
      0,
    );
    const [unresolved] = await sql<{ n: number }[]>`
      select count(*)::int as n from app_private.schedule_ledger
      where campaign_id = ${settings.scheduler.campaignId} and status in ${sql(UNRESOLVED)}`;
    return busy === 0 && (unresolved?.n ?? 0) === 0;
  });

export async function checkDeliveries(input: {
  sql: Sql;
  brazeSim: BrazeSimClient;
  feed: ProductionFeed;
  scheduler: SchedulerSettings;
  /** Pushes due up to here must have gone out; later ones are checked in the ledger. */
  observedUntilMs: number;
}): Promise<{ violations: string[]; expected: number; delivered: number; aborted: number; unresolvedRows: number }> {
  const { sql, brazeSim, feed, scheduler } = input;
  const v: string[] = [];
  const state = await brazeSim.state();
  const ours = state.deliveries.filter((d) => d.campaign_id === scheduler.campaignId);
  const reached = ours.filter((d) => d.outcome === "delivered" || d.outcome === "partial");
  // Only the per-match checks below judge a delivery, so one they would never
  // look at (another campaign, no match id, a match the feed never had) is
  // itself a finding rather than a push nobody checked.
  for (const d of state.deliveries) {
    if (d.outcome !== "delivered" && d.outcome !== "partial") continue;
    if (d.campaign_id !== scheduler.campaignId || d.match_id === null || !feed.everSeen.has(Number(d.match_id))) {
      v.push(
        `schedule ${d.schedule_id} (campaign ${d.campaign_id}, match ${d.match_id}) delivered at ${d.fired_at}: not a match of the feed`,
      );
    }
  }
  for (const d of ours) {
    if (d.outcome === "partial" || d.outcome === "error") {
      v.push(
        `match ${d.match_id}: schedule ${d.schedule_id} at ${d.send_at} ended ${d.outcome}: ${
          JSON.stringify(d.recipients.map((r) => [r.outcome, r.reason]))
        }`,
      );
    }
  }
  const lastDue = input.observedUntilMs - 30_000;
  /** What Braze saw of a match: its creates (time, status, fault) and every fire's outcome. */
  const trail = (id: number) => {
    const creates = state.calls.filter((c) => {
      const body = c.body as { trigger_properties?: { match_id?: unknown } } | null;
      return c.endpoint.endsWith("/create") && String(body?.trigger_properties?.match_id) === String(id);
    }).map((c) =>
      `${c.at.slice(11, 19)} ${c.status}${c.fault ? ` ${c.fault}` : ""}${c.client_aborted ? " client gone" : ""}`
    );
    const fires = ours.filter((d) => d.match_id === String(id)).map((d) =>
      `${d.send_at.slice(11, 16)} fired ${d.fired_at.slice(11, 19)} ${d.outcome}${
        d.outcome === "aborted" ? ` (${JSON.stringify(d.guard_asks.map((a) => a.answer ?? a.error))})` : ""
      }`
    );
    return `Braze creates [${creates.join(", ")}], fires [${fires.join(", ")}]`;
  };
  let expectedCount = 0;

  for (const id of feed.everSeen) {
    // Send times the feed stood by at the moment they came.
    const expected = new Map<number, { home: string; away: string }>();
    for (const e of feed.history.get(id) ?? []) {
      const s = feed.sendAtOf(e.match);
      if (s === null || s > lastDue || expected.has(s)) continue;
      const then = feed.stateAt(id, s);
      if (!then || !isSchedulable(then) || feed.sendAtOf(then) !== s) continue;
      expected.set(s, {
        home: normalizeTeamName(then.homeTeam.name ?? ""),
        away: normalizeTeamName(then.awayTeam.name ?? ""),
      });
    }
    expectedCount += expected.size;
    const mine = reached.filter((d) => d.match_id === String(id));
    for (const [s, names] of expected) {
      const at = mine.filter((d) => Date.parse(d.send_at) === s);
      const when = new Date(s).toISOString();
      if (at.length !== 1) {
        v.push(`match ${id}: ${at.length} deliveries for its push at ${when}, expected exactly 1; ${trail(id)}`);
        continue;
      }
      const d = at[0]!;
      if (Math.floor(Date.parse(d.fired_at) / MINUTE) * MINUTE !== s) {
        v.push(`match ${id}: push due ${when} delivered at ${d.fired_at}`);
      }
      // The simulator runs with the send guard, so every delivery is rendered
      // from the template (and English is one of its default recipients): an
      // unrendered one went out without asking the guard, and a missing text
      // is a wrong push, not one to skip.
      const text = d.recipients.find((r) => r.language === "en")?.text;
      const want = `${names.home} v ${names.away}: kick-off in one hour.`;
      if (!d.rendered) v.push(`match ${id}: push at ${when} went out unrendered (the guard was not asked)`);
      else if (text !== want) {
        v.push(`match ${id}: push at ${when} said ${JSON.stringify(text ?? null)} in English, the feed said "${want}"`);
      }
    }
    for (const d of mine) {
      if (!expected.has(Date.parse(d.send_at))) {
        const then = feed.stateAt(id, Date.parse(d.fired_at));
        v.push(
          `match ${id}: delivered at ${d.fired_at} (schedule for ${d.send_at}) though the feed then said ${
            then ? `${then.status} ${then.utcDate}` : "nothing (removed)"
          }`,
        );
      }
    }
  }

  // Pushes after the observed window: the ledger owns one live schedule at the right time.
  const now = Date.now();
  const windowEnd = now + scheduler.windowDays * 24 * 60 * MINUTE;
  const rows = await sql<{ match_id: string; status: string; braze_schedule_id: string | null; send_at: Date }[]>`
    select match_id::text, status, braze_schedule_id, send_at from app_private.schedule_ledger
    where campaign_id = ${scheduler.campaignId} and status not in ('cancelled', 'sent')`;
  const live = new Map(
    state.schedules.filter((s) => s.campaign_id === scheduler.campaignId && s.status === "scheduled").map((
      s,
    ) => [s.id, s]),
  );
  for (const id of feed.everSeen) {
    const m = feed.stateAt(id, now);
    const n = m && isSchedulable(m)
      ? notificationFor(m as unknown as Match, scheduler.leadMinutes, scheduler.templateVersion)
      : null;
    const row = rows.filter((r) => Number(r.match_id) === id);
    if (!n || n.sendAt.getTime() <= now + MINUTE || n.kickoffAt.getTime() > windowEnd) {
      // Nothing owed ahead: a live row would send a push the feed no longer
      // has. That includes a match whose push is already past: the guard
      // judges a row's own send time, so a row left at a later time would
      // deliver a second push then (the feed never moves a push to within
      // freezeMs of now, so the scheduler had time to move the row).
      const ahead = row.filter((r) => new Date(r.send_at).getTime() > now + MINUTE);
      if (ahead.length) v.push(`match ${id}: live ledger row(s) ${JSON.stringify(ahead)} though nothing is to be sent`);
      continue;
    }
    if (row.length !== 1 || row[0]!.status !== "scheduled") {
      v.push(`match ${id}: ledger rows ${JSON.stringify(row)}, expected one 'scheduled' for ${n.sendAt.toISOString()}`);
      continue;
    }
    const schedule = row[0]!.braze_schedule_id ? live.get(row[0]!.braze_schedule_id) : undefined;
    if (!schedule || Date.parse(schedule.send_at) !== n.sendAt.getTime()) {
      v.push(
        `match ${id}: the ledger's schedule ${
          row[0]!.braze_schedule_id
        } is not live at Braze for ${n.sendAt.toISOString()}`,
      );
    }
  }

  const [left] = await sql<{ n: number }[]>`
    select count(*)::int as n from app_private.schedule_ledger
    where campaign_id = ${scheduler.campaignId} and status in ${sql(UNRESOLVED)}`;
  return {
    violations: v,
    expected: expectedCount,
    delivered: reached.length,
    aborted: ours.filter((d) => d.outcome === "aborted").length,
    unresolvedRows: left?.n ?? 0,
  };
}
