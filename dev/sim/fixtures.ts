// Fixtures in football-data.org's v4 match shape, for the simulator and tests.
// Team ids, names and TLAs are football-data's own, so a local run looks like
// a real feed. A few names carry stray whitespace, as the real feed sometimes
// does, because signatures must not change when only whitespace does.

export interface V4Team {
  id: number | null;
  name: string | null;
  shortName: string | null;
  tla: string | null;
  crest: string | null;
}

export interface V4Score {
  winner: "HOME_TEAM" | "AWAY_TEAM" | "DRAW" | null;
  duration: "REGULAR" | "EXTRA_TIME" | "PENALTY_SHOOTOUT";
  fullTime: { home: number | null; away: number | null };
  halfTime: { home: number | null; away: number | null };
}

export interface V4Match {
  area: { id: number; name: string; code: string; flag: string | null };
  competition: { id: number; name: string; code: string; type: string; emblem: string | null };
  season: { id: number; startDate: string; endDate: string; currentMatchday: number | null; winner: null };
  id: number;
  utcDate: string;
  status: string;
  matchday: number | null;
  stage: string;
  group: string | null;
  lastUpdated: string;
  homeTeam: V4Team;
  awayTeam: V4Team;
  score: V4Score;
  odds: { msg: string };
  referees: { id: number; name: string; type: string; nationality: string | null }[];
}

type Partial2<T> = { [K in keyof T]?: T[K] extends object | null ? Partial<T[K]> | null : T[K] };
export type MatchPatch = Partial2<V4Match>;

const crest = (id: number) => `https://crests.football-data.org/${id}.png`;
const team = (id: number, name: string, shortName: string, tla: string): V4Team => ({
  id,
  name,
  shortName,
  tla,
  crest: crest(id),
});

export const PREMIER_LEAGUE = {
  area: { id: 2072, name: "England", code: "ENG", flag: "https://crests.football-data.org/770.svg" },
  competition: {
    id: 2021,
    name: "Premier League",
    code: "PL",
    type: "LEAGUE",
    emblem: "https://crests.football-data.org/PL.png",
  },
  seasonId: 2287,
  teams: [
    team(57, "Arsenal FC", "Arsenal", "ARS"),
    team(58, "Aston Villa FC", "Aston Villa", "AVL"),
    team(61, "Chelsea FC", "Chelsea", "CHE"),
    team(62, "Everton FC", "Everton", "EVE"),
    team(64, "Liverpool FC", "Liverpool", "LIV"),
    team(65, "Manchester City FC", "Man City", "MCI"),
    team(66, "Manchester United FC", "Man United", "MUN"),
    team(67, "Newcastle United FC", "Newcastle", "NEW"),
    team(73, "Tottenham Hotspur FC", "Tottenham", "TOT"),
    team(76, "Wolverhampton Wanderers FC", "Wolverhampton", "WOL"),
    team(63, "Fulham FC", "Fulham", "FUL"),
    team(354, "Crystal Palace FC", "Crystal Palace", "CRY"),
    team(351, "Nottingham Forest FC", "Nottingham", "NOT"),
    team(397, "Brighton & Hove Albion FC", "Brighton Hove", "BHA"),
    team(402, "Brentford FC", "Brentford", "BRE"),
    team(563, "West Ham United FC", "West Ham", "WHU"),
    team(1044, "AFC Bournemouth", "Bournemouth", "BOU"),
    team(328, "Burnley FC", "Burnley", "BUR"),
    team(341, "Leeds United FC", "Leeds United", "LEE"),
    team(71, "Sunderland AFC", "Sunderland", "SUN"),
  ],
  // Saturday 12:30, four at 15:00 and 17:30; Sunday 14:00 twice and 16:30; Monday 20:00 (UK times, as UTC).
  slots: {
    6: ["12:30", "15:00", "15:00", "15:00", "15:00", "17:30"],
    0: ["14:00", "14:00", "16:30"],
    1: ["20:00"],
  } as Record<number, string[]>,
};

export const LA_LIGA = {
  area: { id: 2224, name: "Spain", code: "ESP", flag: "https://crests.football-data.org/760.svg" },
  competition: {
    id: 2014,
    name: "Primera Division",
    code: "PD",
    type: "LEAGUE",
    emblem: "https://crests.football-data.org/PD.png",
  },
  seasonId: 2310,
  teams: [
    team(86, "Real Madrid CF", "Real Madrid", "RMA"),
    team(81, "FC Barcelona", "Barça", "FCB"),
    team(78, "Club Atlético de Madrid", "Atleti", "ATM"),
    team(559, "Sevilla FC", "Sevilla FC", "SEV"),
    team(90, "Real Betis Balompié", "Real Betis", "BET"),
    team(94, "Villarreal CF", "Villarreal", "VIL"),
    team(77, "Athletic Club", "Athletic", "ATH"),
    team(92, "Real Sociedad de Fútbol", "Real Sociedad", "RSO"),
    team(95, "Valencia CF", "Valencia", "VAL"),
    team(558, "RC Celta de Vigo", "Celta", "CEL"),
    team(79, "CA Osasuna", "Osasuna", "OSA"),
    team(82, "Getafe CF", "Getafe", "GET"),
    team(298, "Girona FC", "Girona", "GIR"),
    team(87, "Rayo Vallecano de Madrid", "Rayo Vallecano", "RAY"),
    team(89, "RCD Mallorca", "Mallorca", "MAL"),
    team(263, "Deportivo Alavés", "Alavés", "ALA"),
    team(80, "RCD Espanyol de Barcelona", "Espanyol", "ESP"),
    team(88, "Levante UD", "Levante", "LEV"),
    team(285, "Elche CF", "Elche", "ELC"),
    team(1048, "Real Oviedo", "Oviedo", "OVI"),
  ],
  // Friday 20:00; Saturday 12:00, 14:15, 16:30, 19:00; Sunday 12:00, 14:15, 16:30, 19:00; Monday 19:00 (UTC).
  slots: {
    5: ["20:00"],
    6: ["12:00", "14:15", "16:30", "19:00"],
    0: ["12:00", "14:15", "16:30", "19:00"],
    1: ["19:00"],
  } as Record<number, string[]>,
};

const DAY_MS = 86_400_000;

/**
 * About twenty PL and La Liga fixtures over the seven days after `now`'s UTC
 * date. Any seven consecutive days hold each weekday once, so the count does
 * not depend on which day `now` is. Same `now`, same fixtures.
 */
export function weekOfFixtures(now: Date): V4Match[] {
  const today = Math.floor(now.getTime() / DAY_MS);
  const matches: V4Match[] = [];
  for (const league of [PREMIER_LEAGUE, LA_LIGA]) {
    const rotation = today % league.teams.length;
    const teams = [...league.teams.slice(rotation), ...league.teams.slice(0, rotation)];
    let pair = 0;
    for (let offset = 1; offset <= 7; offset++) {
      const day = today + offset;
      const date = new Date(day * DAY_MS);
      for (const time of league.slots[date.getUTCDay()] ?? []) {
        const home = teams[pair * 2]!;
        const away = teams[pair * 2 + 1]!;
        const utcDate = `${date.toISOString().slice(0, 10)}T${time}:00Z`;
        matches.push(fixture({
          id: 540_000 + (today % 2_000) * 50 + matches.length,
          utcDate,
          // football-data marks a kickoff TIMED once the time is fixed; further out it is still SCHEDULED.
          status: offset <= 5 ? "TIMED" : "SCHEDULED",
          area: league.area,
          competition: league.competition,
          season: season(league.seasonId, now),
          matchday: matchdayOf(now),
          lastUpdated: new Date((today - 2) * DAY_MS + 8 * 3_600_000).toISOString().replace(".000Z", "Z"),
          homeTeam: pair === 1 ? { ...home, name: `${home.name} ` } : home,
          awayTeam: pair === 3 ? { ...away, name: ` ${away.name}` } : away,
        }));
        pair++;
      }
    }
  }
  return matches.sort((a, b) => a.utcDate.localeCompare(b.utcDate) || a.id - b.id);
}

/** One match with sensible defaults; nested objects are merged, not replaced. */
export function fixture(patch: MatchPatch = {}): V4Match {
  const base: V4Match = {
    area: PREMIER_LEAGUE.area,
    competition: PREMIER_LEAGUE.competition,
    season: {
      id: PREMIER_LEAGUE.seasonId,
      startDate: "2025-08-15",
      endDate: "2026-05-24",
      currentMatchday: 12,
      winner: null,
    },
    id: 537_001,
    utcDate: "2030-01-05T15:00:00Z",
    status: "TIMED",
    matchday: 12,
    stage: "REGULAR_SEASON",
    group: null,
    lastUpdated: "2030-01-01T08:00:00Z",
    homeTeam: PREMIER_LEAGUE.teams[0]!,
    awayTeam: PREMIER_LEAGUE.teams[2]!,
    score: {
      winner: null,
      duration: "REGULAR",
      fullTime: { home: null, away: null },
      halfTime: { home: null, away: null },
    },
    odds: { msg: "Activate Odds-Package in User-Panel to retrieve odds." },
    referees: [],
  };
  return mergeMatch(base, patch);
}

export function mergeMatch(base: V4Match, patch: MatchPatch): V4Match {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = merged[key];
    const isPlain = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
    merged[key] = isPlain(value) && isPlain(current) ? { ...(current as object), ...(value as object) } : value;
  }
  return merged as unknown as V4Match;
}

function season(id: number, now: Date) {
  const startYear = now.getUTCMonth() >= 6 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  return {
    id,
    startDate: `${startYear}-08-15`,
    endDate: `${startYear + 1}-05-24`,
    currentMatchday: matchdayOf(now),
    winner: null,
  };
}

function matchdayOf(now: Date): number {
  const startYear = now.getUTCMonth() >= 6 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  const weeks = Math.floor((now.getTime() - Date.UTC(startYear, 7, 15)) / (7 * DAY_MS));
  return Math.min(38, Math.max(1, weeks + 1));
}
