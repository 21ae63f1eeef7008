// What a match's notification depends on, normalized so that noise in the
// feed does not look like a change: the send time truncated to the minute (a
// 1-second wobble in utcDate must not cause an update), team names trimmed
// with inner whitespace collapsed, the message template version and the
// locales (a new template or a new language is a real change).
import type { Match } from "../../ports.ts";

export interface MatchNotification {
  matchId: number;
  kickoffAt: Date;
  sendAt: Date;
  homeTeam: string;
  awayTeam: string;
  competition: string;
  signature: string;
  message: Record<string, unknown>;
}

const MINUTE = 60_000;

export function normalizeTeamName(name: string): string {
  return name.normalize("NFC").replace(/\s+/g, " ").trim();
}

export function truncateToMinute(date: Date): Date {
  return new Date(Math.floor(date.getTime() / MINUTE) * MINUTE);
}

/**
 * A signature without its send time: what the push says. Two signatures with
 * the same content differ only in time, which an update can change; any other
 * difference needs a new schedule (Braze may not apply trigger_properties on
 * update).
 */
export function contentOf(signature: string): string {
  const bar = signature.indexOf("|");
  return bar < 0 ? signature : signature.slice(bar + 1);
}

export function notificationFor(
  match: Match,
  leadMinutes: number,
  templateVersion: string,
  locales: string[] = ["en"],
): MatchNotification | null {
  const home = match.homeTeam.name ? normalizeTeamName(match.homeTeam.name) : "";
  const away = match.awayTeam.name ? normalizeTeamName(match.awayTeam.name) : "";
  const kickoff = new Date(match.utcDate);
  // A fixture without both teams (a cup draw not yet made) has nothing to announce.
  if (!home || !away || Number.isNaN(kickoff.getTime())) return null;
  const kickoffAt = truncateToMinute(kickoff);
  const sendAt = new Date(kickoffAt.getTime() - leadMinutes * MINUTE);
  const competition = match.competition.code ?? String(match.competition.id);
  // The locales are part of what is sent: adding one is a real change.
  const signature = [sendAt.toISOString(), home, away, competition, templateVersion, locales.join(",")].join("|");
  return {
    matchId: match.id,
    kickoffAt,
    sendAt,
    homeTeam: home,
    awayTeam: away,
    competition,
    signature,
    message: {
      match_id: match.id,
      home_team: home,
      away_team: away,
      competition,
      kickoff_at: kickoffAt.toISOString(),
      template_version: templateVersion,
    },
  };
}
