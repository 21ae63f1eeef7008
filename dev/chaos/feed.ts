// The football feed under chaos: an initial set of fixtures days ahead, and
// random changes of the kinds the real feed makes (kickoff moves, 1-second
// wobbles, postponements, cancellations, renames, matches added and removed).
// Kickoffs stay 2-10 days ahead or jump to 20+ days (out of the 14-day
// window), never near a boundary, so the expected end state is unambiguous.
import { fixture, type MatchPatch } from "../sim/fixtures.ts";
import type { FootballSimClient } from "../sim/football-data.ts";
import type { Prng, Tally } from "./prng.ts";
import { inPlacePatch, kickoffDaysAhead, randomMatch } from "./common/feed.ts";

export const FIRST_MATCH_ID = 900_000;

export class ChaosFeed {
  /** Every match id the feed has ever carried, removed ones included. */
  readonly everSeen = new Set<number>();
  private live: number[] = [];
  private nextId = FIRST_MATCH_ID;

  constructor(private readonly sim: FootballSimClient, private readonly rng: Prng, private readonly tally: Tally) {}

  /** A fresh kickoff 2-10 days ahead. */
  private kickoff(): string {
    return kickoffDaysAhead(this.rng);
  }

  private newMatch(): MatchPatch {
    return randomMatch(this.rng, this.nextId++, () => this.kickoff());
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
      case "suspend":
        await this.sim.patchMatch(id, { status: "SUSPENDED" });
        break;
      case "restore":
        await this.sim.patchMatch(id, {
          status: "TIMED",
          utcDate: this.rng.chance(0.5) ? this.kickoff() : current.utcDate,
        });
        break;
      default:
        await this.sim.patchMatch(id, inPlacePatch(this.rng, kind, current));
    }
    this.tally.add(`feed:${kind}`);
    return kind;
  }
}
