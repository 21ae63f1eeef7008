// The football feed for production-mode chaos: matches whose pushes go out
// during the run (real time, since the delivery guard judges send times by the
// database's clock), changed the way the real feed changes them, with a
// history per match so the check can say what the feed said at each send time.
//
// No change touches a match whose send time is less than `freezeMs` away, and
// no change sets a send time less than `freezeMs` away: the system is owed a
// correct push only for what the feed said in time for it to act (the planner
// also refuses to update inside the update buffer, which is shorter). A moved
// send time differs from the old one by at least `minMoveMs`, more than the
// guard's tolerance, so a schedule whose update was lost fires outside it;
// except a nudge (one or two minutes), a move the guard cannot tell from the
// old time, which the scheduler must make as a new schedule under a new key.
import { notificationFor } from "../../../src/shared/jobs/braze-scheduler/signature.ts";
import type { Match } from "../../../src/shared/ports.ts";
import { fixture, type MatchPatch, type V4Match } from "../../sim/fixtures.ts";
import type { FootballSimClient } from "../../sim/football-data.ts";
import type { Prng, Tally } from "../prng.ts";
import { inPlacePatch, iso, kickoffDaysAhead, randomMatch } from "../common/feed.ts";

const MINUTE = 60_000;
export const FIRST_MATCH_ID = 950_000;

export interface FeedTimes {
  /** Pushes of the first fixtures go out from here on (ms since epoch)... */
  firstSendMs: number;
  /** ...up to here; changes place send times in the same range, or days ahead. */
  lastSendMs: number;
  leadMinutes: number;
  freezeMs: number;
  minMoveMs: number;
}

export interface FeedEntry {
  at: number;
  /** null: the match left the feed. */
  match: V4Match | null;
}

export class ProductionFeed {
  readonly everSeen = new Set<number>();
  readonly history = new Map<number, FeedEntry[]>();
  private live: number[] = [];
  private nextId = FIRST_MATCH_ID;

  constructor(
    private readonly sim: FootballSimClient,
    private readonly rng: Prng,
    private readonly tally: Tally,
    readonly times: FeedTimes,
  ) {}

  /** The send time (ms) the scheduler derives from a match, or null when it sends nothing. */
  sendAtOf(m: V4Match | null): number | null {
    if (!m) return null;
    const n = notificationFor(m as unknown as Match, this.times.leadMinutes, "v1");
    return n ? n.sendAt.getTime() : null;
  }

  /** A kickoff whose push goes out at a whole minute in [fromMs, lastSendMs], or null if none is left. */
  private kickoffSendingBetween(fromMs: number, avoidMs?: number): string | null {
    const first = Math.ceil(fromMs / MINUTE) * MINUTE;
    const minutes = Math.floor((this.times.lastSendMs - first) / MINUTE);
    if (minutes < 0) return null;
    const options = Array.from({ length: minutes + 1 }, (_, i) => first + i * MINUTE)
      .filter((s) => avoidMs === undefined || Math.abs(s - avoidMs) >= this.times.minMoveMs);
    if (!options.length) return null;
    // Seconds within the minute: the send time is truncated to the minute.
    return iso(this.rng.pick(options) + this.times.leadMinutes * MINUTE + this.rng.int(0, 59) * 1000);
  }

  /** Days ahead: scheduled during the run, sent long after it. */
  private kickoffDaysAhead(): string {
    return kickoffDaysAhead(this.rng);
  }

  private newMatch(utcDate: string): MatchPatch {
    return randomMatch(this.rng, this.nextId++, () => utcDate);
  }

  async seed(count: number, daysAhead: number): Promise<void> {
    const near = Array.from(
      { length: count },
      () => this.newMatch(this.kickoffSendingBetween(this.times.firstSendMs) ?? this.kickoffDaysAhead()),
    );
    const far = Array.from({ length: daysAhead }, () => this.newMatch(this.kickoffDaysAhead()));
    const all = [...near, ...far].map((m) => fixture(m));
    await this.sim.replaceMatches(all);
    const at = Date.now();
    for (const m of all) {
      this.live.push(m.id);
      this.everSeen.add(m.id);
      this.history.set(m.id, [{ at, match: m }]);
    }
  }

  private async record(id: number): Promise<void> {
    const m = (await this.sim.matches()).find((x) => x.id === id) ?? null;
    const entries = this.history.get(id) ?? [];
    entries.push({ at: Date.now(), match: m });
    this.history.set(id, entries);
  }

  /** One change of the feed, or "none" when every candidate is frozen. */
  async change(): Promise<string> {
    const now = Date.now();
    const horizon = now + this.times.freezeMs;
    const kind = this.rng.pick(
      [
        "move",
        "move",
        "nudge",
        "wobble",
        "postpone",
        "cancel",
        "restore",
        "rename",
        "respace",
        "add",
        "remove",
        "out_of_window",
        "redate_after_push",
        "redate_after_push",
      ] as const,
    );
    if (kind === "add") {
      const date = this.kickoffSendingBetween(horizon);
      if (!date) return "none";
      const m = this.newMatch(date);
      await this.sim.addMatch(m);
      this.live.push(m.id!);
      this.everSeen.add(m.id!);
      await this.record(m.id!);
      this.tally.add("feed:add");
      return kind;
    }
    const current = new Map((await this.sim.matches()).map((m) => [m.id, m]));
    const sendOf = (id: number) => this.sendAtOf(current.get(id) ?? null);
    let candidates: number[];
    if (kind === "redate_after_push") {
      // Its push already went out (send time passed while it was schedulable).
      candidates = this.live.filter((id) => {
        const s = sendOf(id);
        return s !== null && s < now - MINUTE && current.get(id)?.status !== "POSTPONED";
      });
    } else {
      // Untouchable while its push is close or past; free when it sends nothing.
      candidates = this.live.filter((id) => {
        const s = sendOf(id);
        return current.has(id) && (s === null || s >= horizon || !isSchedulable(current.get(id)!));
      });
    }
    if (!candidates.length) return "none";
    const id = this.rng.pick(candidates);
    const m = current.get(id)!;
    const oldSend = sendOf(id) ?? undefined;
    const schedulable = isSchedulable(m);
    switch (kind) {
      case "remove":
        await this.sim.deleteMatch(id);
        this.live = this.live.filter((x) => x !== id);
        break;
      case "move":
      case "redate_after_push": {
        const date = this.kickoffSendingBetween(horizon, oldSend);
        const to = date ?? this.kickoffDaysAhead();
        await this.sim.patchMatch(id, { utcDate: to, ...(kind === "redate_after_push" ? { status: "TIMED" } : {}) });
        break;
      }
      case "nudge": {
        if (!schedulable || oldSend === undefined) return "none";
        const by = this.rng.pick([-2, -1, 1, 2]) * MINUTE;
        if (oldSend + by < horizon) return "none";
        await this.sim.patchMatch(id, { utcDate: iso(Date.parse(m.utcDate) + by) });
        break;
      }
      case "restore": {
        // Back on, at its old time only when that is still far enough ahead.
        if (schedulable) return "none";
        const keep = oldSend !== undefined && oldSend >= horizon;
        const to = keep ? m.utcDate : this.kickoffSendingBetween(horizon, oldSend) ?? this.kickoffDaysAhead();
        await this.sim.patchMatch(id, { status: "TIMED", utcDate: to });
        break;
      }
      default:
        await this.sim.patchMatch(id, inPlacePatch(this.rng, kind, m));
    }
    await this.record(id);
    this.tally.add(`feed:${kind}`);
    return kind;
  }

  /** What the feed said about a match at a moment. */
  stateAt(id: number, atMs: number): V4Match | null {
    let state: V4Match | null = null;
    for (const e of this.history.get(id) ?? []) if (e.at <= atMs) state = e.match;
    return state;
  }
}

export function isSchedulable(m: V4Match): boolean {
  return m.status === "TIMED" || m.status === "SCHEDULED";
}
