// A short chaos run inside npm test: several scheduler and reconcile runners
// against one database, with Braze faults, killed runners, dropped and
// stalled connections and a changing feed; then the end state is checked.
// The seed is fixed so a failure replays with `npm run chaos -- --seed 20261122 --seconds 25`
// (the plan of faults replays; exact timing does not).
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
