// The end state: with faults off, run scheduler and reconcile until a round
// changes nothing, then check what a user would check, and fire everything.
import type { Sql } from "postgres";
import { SCHEDULABLE_STATUSES } from "../../src/shared/jobs/braze-scheduler/plan.ts";
import type { SchedulerSettings } from "../../src/shared/jobs/braze-scheduler/settings.ts";
import { notificationFor } from "../../src/shared/jobs/braze-scheduler/signature.ts";
import type { Match } from "../../src/shared/ports.ts";
import type { BrazeSimClient } from "../sim/braze.ts";
import { type Settle, settleRounds } from "./common/settle.ts";
import type { V4Match } from "../sim/fixtures.ts";

/** Alternates scheduler and reconcile until one full round does nothing (bounded). */
export const settle: Settle = (sql, ports, settings, maxMs) =>
  settleRounds(sql, ports, settings, maxMs, (s, r) => {
    const busy = s.created + s.updated + s.cancelled + s.failed + s.uncertain + s.skipped +
      r.adopted + r.cancelled + r.recreated + r.reset +
      r.lost_reported + r.orphans_waiting +
      r.failed;
    return busy === 0;
  });

interface LedgerRow {
  match_id: string;
  status: string;
  braze_schedule_id: string | null;
  send_at: string;
}

/** Every invariant the scheduler promises; each violation is one line of evidence. */
export async function checkInvariants(input: {
  sql: Sql;
  brazeSim: BrazeSimClient;
  feed: V4Match[];
  everSeen: Set<number>;
  scheduler: SchedulerSettings;
}): Promise<{ violations: string[]; expected: number; fired: number }> {
  const { sql, brazeSim, scheduler } = input;
  const v: string[] = [];
  const now = Date.now();
  const windowEnd = now + scheduler.windowDays * 86_400_000;
  const expected = new Map<number, NonNullable<ReturnType<typeof notificationFor>>>();
  for (const m of input.feed) {
    if (!SCHEDULABLE_STATUSES.has(m.status)) continue;
    const n = notificationFor(m as unknown as Match, scheduler.leadMinutes, scheduler.templateVersion);
    if (n && n.kickoffAt.getTime() <= windowEnd && n.sendAt.getTime() > now) expected.set(m.id, n);
  }

  const state = await brazeSim.state();
  const ours = state.schedules.filter((s) => s.campaign_id === scheduler.campaignId);
  const live = ours.filter((s) => s.status === "scheduled");
  const ledger = await sql<LedgerRow[]>`
    select match_id::text, status, braze_schedule_id, send_at::text from app_private.schedule_ledger
    where campaign_id = ${scheduler.campaignId} and status <> 'cancelled'`;
  const matchOf = (s: { trigger_properties: Record<string, unknown> }) => Number(s.trigger_properties.match_id);

  for (const id of input.everSeen) {
    const schedules = live.filter((s) => matchOf(s) === id);
    const rows = ledger.filter((r) => Number(r.match_id) === id);
    const n = expected.get(id);
    if (!n) {
      if (schedules.length) {
        v.push(
          `match ${id} (not schedulable/left feed): ${schedules.length} live Braze schedule(s) ${
            schedules.map((s) => s.id).join(",")
          }`,
        );
      }
      if (rows.length) v.push(`match ${id} (not schedulable/left feed): live ledger row(s) ${JSON.stringify(rows)}`);
      continue;
    }
    if (schedules.length !== 1) {
      v.push(
        `match ${id}: ${schedules.length} live Braze schedules, expected 1 (${
          schedules.map((s) => `${s.id}@${s.send_at}`).join(", ")
        })`,
      );
    }
    for (const s of schedules) {
      if (Date.parse(s.send_at) !== n.sendAt.getTime()) {
        v.push(`match ${id}: schedule ${s.id} sends at ${s.send_at}, expected ${n.sendAt.toISOString()}`);
      }
      const p = s.trigger_properties;
      if (p.home_team !== n.homeTeam || p.away_team !== n.awayTeam) {
        v.push(
          `match ${id}: schedule ${s.id} says ${p.home_team} v ${p.away_team}, feed says ${n.homeTeam} v ${n.awayTeam}`,
        );
      }
    }
    if (rows.length !== 1 || rows[0]!.status !== "scheduled") {
      v.push(`match ${id}: ledger rows ${JSON.stringify(rows)}, expected one 'scheduled'`);
    } else if (schedules.length === 1 && rows[0]!.braze_schedule_id !== schedules[0]!.id) {
      v.push(`match ${id}: ledger owns ${rows[0]!.braze_schedule_id}, Braze has ${schedules[0]!.id}`);
    }
  }
  const owned = new Set(ledger.filter((r) => r.status === "scheduled").map((r) => r.braze_schedule_id));
  for (const s of live) {
    if (!owned.has(s.id)) {
      v.push(
        `orphan: live Braze schedule ${s.id} (match ${matchOf(s)}, ${s.send_at}) owned by no scheduled ledger row`,
      );
    }
  }
  for (const r of ledger) {
    if (!input.everSeen.has(Number(r.match_id))) v.push(`ledger row for unknown match ${r.match_id}`);
  }

  // Fire everything: the sim clock moves past every send time.
  const latest = Math.max(now, ...ours.map((s) => Date.parse(s.send_at)));
  await brazeSim.clock({ advanceTo: new Date(latest + 60_000).toISOString() });
  const fired = (await brazeSim.state()).fired.filter((f) => f.campaign_id === scheduler.campaignId);
  const perMatch = new Map<number, number>();
  for (const f of fired) perMatch.set(matchOf(f), (perMatch.get(matchOf(f)) ?? 0) + 1);
  for (const [id, count] of perMatch) {
    if (count > 1) v.push(`match ${id}: notification fired ${count} times`);
    if (!expected.has(id)) v.push(`match ${id}: fired although not schedulable/left feed`);
  }
  for (const id of expected.keys()) if (!perMatch.has(id)) v.push(`match ${id}: notification never fired (missed)`);
  return { violations: v, expected: expected.size, fired: fired.length };
}
