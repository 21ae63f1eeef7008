// The pieces of a chaotic football feed both Braze chaos modes use: random
// fixtures, kickoffs days ahead, and the in-place changes the real feed makes
// (kickoff wobbles, postponements, cancellations, renames, whitespace-only
// renames, jumps out of the 14-day window). Each draws from the seeded PRNG in
// a fixed order, so a seed replays the same feed.
import { LA_LIGA, type MatchPatch, PREMIER_LEAGUE, type V4Match } from "../../sim/fixtures.ts";
import type { Prng } from "../prng.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/** A whole-quarter-hour kickoff 2-10 days ahead (hours 11-21 UTC). */
export function kickoffDaysAhead(rng: Prng): string {
  const base = Math.floor(Date.now() / DAY) * DAY + rng.int(2, 10) * DAY;
  return iso(base + rng.int(11, 21) * HOUR + rng.pick([0, 15, 30, 45]) * MINUTE);
}

/** A random Premier League or La Liga fixture; `utcDate` is drawn after the teams. */
export function randomMatch(rng: Prng, id: number, utcDate: () => string): MatchPatch {
  const league = rng.chance(0.5) ? PREMIER_LEAGUE : LA_LIGA;
  const home = rng.pick(league.teams);
  const away = rng.pick(league.teams.filter((t) => t.id !== home.id));
  return {
    id,
    utcDate: utcDate(),
    status: rng.pick(["TIMED", "SCHEDULED"]),
    area: league.area,
    competition: league.competition,
    homeTeam: home,
    awayTeam: away,
  };
}

export type InPlaceChange = "wobble" | "postpone" | "cancel" | "rename" | "respace" | "out_of_window";

/** The patch for a change both modes make the same way. */
export function inPlacePatch(rng: Prng, kind: InPlaceChange, m: V4Match): MatchPatch {
  switch (kind) {
    case "wobble": {
      // Same minute, different second: must not change the notification.
      const minute = Math.floor(Date.parse(m.utcDate) / MINUTE) * MINUTE;
      return { utcDate: iso(minute + rng.int(0, 59) * 1000) };
    }
    case "postpone":
      return { status: "POSTPONED" };
    case "cancel":
      return { status: "CANCELLED" };
    case "rename": {
      const side = rng.chance(0.5) ? "homeTeam" : "awayTeam";
      return { [side]: { name: `${m[side].name?.trim().split(" (")[0]} (${rng.int(1, 99)})` } };
    }
    case "respace": {
      // Whitespace only: normalized away, must not change the notification.
      const side = rng.chance(0.5) ? "homeTeam" : "awayTeam";
      const name = m[side].name?.trim() ?? "";
      return { [side]: { name: rng.chance(0.5) ? ` ${name.replace(" ", "  ")}` : `${name} ` } };
    }
    case "out_of_window":
      return { utcDate: iso(Date.now() + rng.int(20, 30) * DAY) };
  }
}
