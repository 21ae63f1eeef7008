// The football feed under chaos: an initial set of fixtures days ahead, and
// random changes of the kinds the real feed makes (kickoff moves, 1-second
// wobbles, postponements, cancellations, renames, matches added and removed).
// Kickoffs stay 2-10 days ahead or jump to 20+ days (out of the 14-day
// window), never near a boundary, so the expected end state is unambiguous.
import { fixture, LA_LIGA, type MatchPatch, PREMIER_LEAGUE } from "../sim/fixtures.ts";
import type { FootballSimClient } from "../sim/football-data.ts";
import type { Prng, Tally } from "./prng.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const FIRST_MATCH_ID = 900_000;

export class ChaosFeed {
  /** Every match id the feed has ever carried, removed ones included. */
  readonly everSeen = new Set<number>();
  private live: number[] = [];
  private nextId = FIRST_MATCH_ID;

  constructor(private readonly sim: FootballSimClient, private readonly rng: Prng, private readonly tally: Tally) {}

  /** A fresh whole-minute kickoff 2-10 days ahead (hours 11-21 UTC). */
  private kickoff(): string {
    const base = Math.floor(Date.now() / DAY) * DAY + this.rng.int(2, 10) * DAY;
    return iso(base + this.rng.int(11, 21) * HOUR + this.rng.pick([0, 15, 30, 45]) * 60_000);
  }

  private newMatch(): MatchPatch {
    const id = this.nextId++;
    const league = this.rng.chance(0.5) ? PREMIER_LEAGUE : LA_LIGA;
    const home = this.rng.pick(league.teams);
    const away = this.rng.pick(league.teams.filter((t) => t.id !== home.id));
    return {
      id,
      utcDate: this.kickoff(),
      status: this.rng.pick(["TIMED", "SCHEDULED"]),
      area: league.area,
      competition: league.competition,
      homeTeam: home,
      awayTeam: away,
    };
  }

  async seed(count: number): Promise<void> {
    const matches = Array.from({ length: count }, () => this.newMatch());
    await this.sim.replaceMatches(matches.map((m) => fixture(m)));
    for (const m of matches) {
      this.live.push(m.id!);
      this.everSeen.add(m.id!);
    }
  }

  /** One random change to the feed; returns its kind. */
  async change(): Promise<string> {
    const kind = this.rng.pick(
      [
        "move",
        "move",
        "wobble",
        "wobble",
        "postpone",
        "cancel",
        "suspend",
        "restore",
        "restore",
        "rename",
        "respace",
        "add",
        "remove",
        "out_of_window",
      ] as const,
    );
    if (kind === "add" || this.live.length < 5) {
      const m = this.newMatch();
      await this.sim.addMatch(m);
      this.live.push(m.id!);
      this.everSeen.add(m.id!);
      this.tally.add("feed:add");
      return "add";
    }
    const id = this.rng.pick(this.live);
    const current = (await this.sim.matches()).find((m) => m.id === id);
    if (!current) return "none";
    switch (kind) {
      case "remove":
        await this.sim.deleteMatch(id);
        this.live = this.live.filter((x) => x !== id);
        break;
      case "move":
        await this.sim.patchMatch(id, { utcDate: this.kickoff() });
        break;
      case "wobble": {
        // Same minute, different second: must not change the notification.
        const minute = Math.floor(Date.parse(current.utcDate) / 60_000) * 60_000;
        await this.sim.patchMatch(id, { utcDate: iso(minute + this.rng.int(0, 59) * 1000) });
        break;
      }
      case "postpone":
        await this.sim.patchMatch(id, { status: "POSTPONED" });
        break;
      case "cancel":
        await this.sim.patchMatch(id, { status: "CANCELLED" });
        break;
      case "suspend":
        await this.sim.patchMatch(id, { status: "SUSPENDED" });
        break;
      case "restore":
        await this.sim.patchMatch(id, {
          status: "TIMED",
          utcDate: this.rng.chance(0.5) ? this.kickoff() : current.utcDate,
        });
        break;
      case "rename": {
        const side = this.rng.chance(0.5) ? "homeTeam" : "awayTeam";
        await this.sim.patchMatch(id, {
          [side]: { name: `${current[side].name?.trim().split(" (")[0]} (${this.rng.int(1, 99)})` },
        });
        break;
      }
      case "respace": {
        // Whitespace only: normalized away, must not change the notification.
        const side = this.rng.chance(0.5) ? "homeTeam" : "awayTeam";
        const name = current[side].name?.trim() ?? "";
        await this.sim.patchMatch(id, {
          [side]: { name: this.rng.chance(0.5) ? ` ${name.replace(" ", "  ")}` : `${name} ` },
        });
        break;
      }
      case "out_of_window":
        await this.sim.patchMatch(id, { utcDate: iso(Date.now() + this.rng.int(20, 30) * DAY) });
        break;
    }
    this.tally.add(`feed:${kind}`);
    return kind;
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
