// A short chaos run inside npm test: several scheduler and reconcile runners
// against one database, with Braze faults, killed runners, dropped and
// stalled connections and a changing feed; then the end state is checked.
// The seed is fixed so a failure replays with
// `npm run chaos -- --job braze --listing --seed 20261122 --seconds 25`
// (the plan of faults replays; exact timing does not).
//
// This is listing mode (reconcile trusts Braze's listing of schedules), not the
// production mode `npm run chaos -- --job braze` defaults to. Production mode
// cannot be made short: the delivery guard judges a push by the database's
// clock, so pushes really go out during the run. The first needs about 90 s
// (the first fill, under faults, before the create margin); a feed change is
// owed a correct push only when made at least 150 s before it (the update
// buffer plus time for runs to act between killed holders and Braze
// failures); the last push must be drained (45 s) and the ledger settled:
// about 5 minutes of wall time at the least (7 with a 5-minute fault phase),
// more than today's whole CI run, on a 2-core runner
// whose load moves every timing. Production mode is run by hand, six seeds
// (`npm run chaos -- --job braze --seed N --minutes 5`), before a change to
// the Braze jobs is merged. This run still covers what listing mode adds:
// reconcile adopting and cleaning up by the listing, which a workspace that
// lists API-triggered schedules may turn on (BRAZE_LISTING).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChaosReport, runChaos } from "../../dev/chaos/harness.ts";
import { formatReport } from "../../dev/chaos/format.ts";
import { createTestDatabase, type TestDatabase } from "../support/db.ts";

const SEED = 20261122;

describe("chaos", () => {
  let database: TestDatabase;
  let report: ChaosReport;

  beforeAll(async () => {
    database = await createTestDatabase();
    report = await runChaos({ seed: SEED, durationMs: 25_000, databaseUrl: database.url });
  }, 240_000);
  afterAll(async () => {
    await database?.drop();
  });

  it("injected faults of several kinds, killed runners and changed the feed", () => {
    const kinds = Object.keys(report.faults).filter((k) => report.faults[k]! > 0);
    expect(kinds.length, formatReport(report)).toBeGreaterThanOrEqual(5);
    const table = formatReport(report);
    expect(report.runnersKilled, table).toBeGreaterThan(0);
    // Runs of both kinds happened. Under 9 s Braze latency, stalls past the
    // TTL and a loaded 2-core machine, the 25 s faulty phase may complete no
    // run at all (seen once in CI, with every run killed, locked or lease_lost);
    // completion is then owed by the settle phase (faults off), which converges
    // only on a completed scheduler and reconcile run with nothing left to do.
    const runsOf = (kind: string) =>
      Object.entries(report.runs).filter(([k]) => k.startsWith(kind)).reduce((a, [, n]) => a + n, 0);
    expect(runsOf("scheduler:"), table).toBeGreaterThan(0);
    expect(runsOf("reconcile:"), table).toBeGreaterThan(0);
    expect(runsOf("scheduler:completed") + runsOf("reconcile:completed") + (report.settled.converged ? 1 : 0), table)
      .toBeGreaterThan(0);
    expect(Object.keys(report.feedChanges).length).toBeGreaterThanOrEqual(4);
  });

  it("ends with one owned schedule per upcoming match, no orphans, every notification fired exactly once", () => {
    expect(report.settled.converged, report.settled.lastRound).toBe(true);
    expect(report.expectedMatches).toBeGreaterThan(0);
    expect(report.violations, formatReport(report)).toEqual([]);
    expect(report.fired).toBe(report.expectedMatches);
  });
});
