// Upcoming matches for the benchmark feed: kickoffs spread over days 1..8
// after today (UTC), so all fall inside a 9-day window (football-data and its
// simulator refuse a dateFrom..dateTo range over 10 days) and every send time
// is well past the scheduler's create margin.
import { fixture, LA_LIGA, PREMIER_LEAGUE, type V4Match } from "../../dev/sim/fixtures.ts";
import { callJson } from "../../dev/sim/common.ts";

const DAY = 86_400_000;
const MINUTE = 60_000;

export function upcomingFixtures(
  count: number,
  options: { firstId: number; league: typeof PREMIER_LEAGUE; now?: Date },
): V4Match[] {
  const today = Math.floor((options.now ?? new Date()).getTime() / DAY);
  const perDay = Math.ceil(count / 8);
  return Array.from({ length: count }, (_, i) => {
    const day = today + 1 + Math.floor(i / perDay);
    // Kickoffs from 10:00 UTC, one a minute apart within a day: distinct send times.
    const kickoff = new Date(day * DAY + 10 * 60 * MINUTE + (i % perDay) * MINUTE);
    return fixture({
      id: options.firstId + i,
      utcDate: kickoff.toISOString().replace(".000Z", "Z"),
      status: "TIMED",
      area: options.league.area,
      competition: options.league.competition,
      homeTeam: { id: 10_000 + i, name: `Home ${i} FC` },
      awayTeam: { id: 20_000 + i, name: `Away ${i} FC` },
    });
  });
}

export { LA_LIGA, PREMIER_LEAGUE };

/**
 * Moves every kickoff of one competition in the football-data simulator by
 * `minutes`, as the feed would after a TV rescheduling, and returns the feed
 * as it now is.
 */
export async function shiftKickoffs(footballUrl: string, competition: string, minutes: number): Promise<V4Match[]> {
  const { matches } = await callJson<{ matches: V4Match[] }>(footballUrl, "GET", "/_sim/matches");
  const shifted = matches.map((m) =>
    m.competition.code !== competition ? m : {
      ...m,
      utcDate: new Date(Date.parse(m.utcDate) + minutes * MINUTE).toISOString().replace(".000Z", "Z"),
      lastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    }
  );
  return (await callJson<{ matches: V4Match[] }>(footballUrl, "PUT", "/_sim/matches", { matches: shifted })).matches;
}
