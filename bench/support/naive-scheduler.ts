// The pattern the seed (001) describes, kept as the baseline: one match at a
// time, SELECT its ledger row, then
//   - no row: INSERT a pending row, call Braze create, UPDATE the row with the
//     schedule id (three round trips and one Braze call per match);
//   - a row with another signature (the kickoff moved): call Braze update,
//     UPDATE the row (two round trips and one Braze call per match);
//   - a row with the same signature: nothing more (one round trip).
// All sequential. Same feed, same Braze client, same message payload and
// signature as the project's scheduler, so the only difference is the pattern.
//
// The naive pattern's lock (and its post-run sweep) are left out: they only add round
// trips, so leaving them out flatters the baseline, not us. The benchmark
// hands it a Braze client without create pacing, as the seed had none.
import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import { notificationFor } from "../../src/shared/jobs/braze-scheduler/signature.ts";
import type { Braze, FootballData } from "../../src/shared/ports.ts";

export interface NaiveSettings {
  campaignId: string;
  competitions: string[];
  windowDays: number;
  leadMinutes: number;
  templateVersion: string;
}

export interface NaiveOutcome {
  created: number;
  updated: number;
  unchanged: number;
  roundTrips: number;
}

const DAY = 86_400_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

export async function runNaiveScheduler(
  ports: { sql: Sql; braze: Braze; football: FootballData },
  settings: NaiveSettings,
  now = new Date(),
): Promise<NaiveOutcome> {
  const { sql, braze } = ports;
  const outcome: NaiveOutcome = { created: 0, updated: 0, unchanged: 0, roundTrips: 0 };
  const query = <T>(run: () => Promise<T>) => {
    outcome.roundTrips++;
    return run();
  };
  const matches = await ports.football.listMatches({
    competitions: settings.competitions,
    dateFrom: isoDate(now),
    dateTo: isoDate(new Date(now.getTime() + settings.windowDays * DAY)),
  });

  for (const match of matches) {
    const n = notificationFor(match, settings.leadMinutes, settings.templateVersion);
    if (!n || n.sendAt <= now) continue;

    const [existing] = await query(() =>
      sql<{ id: number; signature: string; attempt_id: string; braze_schedule_id: string | null }[]>`
      select id, signature, attempt_id, braze_schedule_id from app_private.schedule_ledger
       where campaign_id = ${settings.campaignId} and match_id = ${n.matchId} and status <> 'cancelled'`
    );

    if (existing) {
      if (existing.signature === n.signature || !existing.braze_schedule_id) {
        outcome.unchanged++;
        continue;
      }
      // The naive update path: call Braze, then write the new target.
      const { scheduleId } = await braze.updateSchedule({
        campaignId: settings.campaignId,
        scheduleId: existing.braze_schedule_id,
        sendAt: n.sendAt,
        attemptId: existing.attempt_id,
        triggerProperties: n.message,
      });
      await query(() =>
        sql`
        update app_private.schedule_ledger
           set signature = ${n.signature}, send_at = ${n.sendAt}, kickoff_at = ${n.kickoffAt},
               message = ${sql.json(n.message as never)}, braze_schedule_id = ${scheduleId}, updated_at = now()
         where id = ${existing.id}`
      );
      outcome.updated++;
      continue;
    }

    const attemptId = randomUUID();
    const [row] = await query(() =>
      sql`
      insert into app_private.schedule_ledger
        (campaign_id, match_id, status, attempt_id, guard_key, signature, send_at, kickoff_at, message, fencing_token)
      values (${settings.campaignId}, ${n.matchId}, 'creating', ${attemptId}, ${attemptId}, ${n.signature},
              ${n.sendAt}, ${n.kickoffAt}, ${sql.json(n.message as never)}, 0)
      returning id`
    );

    const { scheduleId } = await braze.createSchedule({
      campaignId: settings.campaignId,
      sendAt: n.sendAt,
      attemptId,
      triggerProperties: n.message,
    });

    await query(() =>
      sql`
      update app_private.schedule_ledger
         set status = 'scheduled', braze_schedule_id = ${scheduleId}, updated_at = now()
       where id = ${row!.id}`
    );
    outcome.created++;
  }
  return outcome;
}
