// The pattern the seed (001) describes, kept as the baseline: one match at a
// time, SELECT its ledger row, INSERT a pending row, call Braze create, UPDATE
// the row with the schedule id. Three round trips and one Braze call per
// match, all sequential. Same feed, same Braze client, same message payload
// as the project's scheduler, so the only difference is the pattern.
//
// The seed's lock (and its post-run sweep) are left out: they only add round
// trips, so leaving them out flatters the baseline, not us.
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
  const outcome: NaiveOutcome = { created: 0, unchanged: 0, roundTrips: 0 };
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

    const existing = await query(() => sql`
      select id, signature from public.schedule_ledger
       where campaign_id = ${settings.campaignId} and match_id = ${n.matchId} and status <> 'cancelled'`);
    // The seed skips on an equal signature and updates on a changed one; this
    // benchmark starts from an empty ledger, so only the create path runs.
    if (existing.length > 0) {
      outcome.unchanged++;
      continue;
    }

    const attemptId = randomUUID();
    const [row] = await query(() => sql`
      insert into public.schedule_ledger
        (campaign_id, match_id, status, attempt_id, signature, send_at, kickoff_at, message, fencing_token)
      values (${settings.campaignId}, ${n.matchId}, 'creating', ${attemptId}, ${n.signature},
              ${n.sendAt}, ${n.kickoffAt}, ${sql.json(n.message as never)}, 0)
      returning id`);

    const { scheduleId } = await braze.createSchedule({
      campaignId: settings.campaignId,
      sendAt: n.sendAt,
      attemptId,
      triggerProperties: n.message,
    });

    await query(() => sql`
      update public.schedule_ledger
         set status = 'scheduled', braze_schedule_id = ${scheduleId}, updated_at = now()
       where id = ${row!.id}`);
    outcome.created++;
  }
  return outcome;
}
