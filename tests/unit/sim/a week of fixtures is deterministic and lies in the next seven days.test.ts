import { describe, expect, it } from "vitest";
import { weekOfFixtures } from "../../../dev/sim/fixtures.ts";

describe("weekOfFixtures", () => {
  for (const nowIso of ["2030-03-06T10:00:00Z", "2030-03-09T23:59:00Z", "2030-03-11T00:00:00Z"]) {
    it(`gives twenty PL and PD kickoffs after ${nowIso}, the same every time`, () => {
      const now = new Date(nowIso);
      const week = weekOfFixtures(now);
      expect(weekOfFixtures(now)).toEqual(week);
      expect(week).toHaveLength(20);
      expect(new Set(week.map((m) => m.id)).size).toBe(20);
      expect(week.filter((m) => m.competition.code === "PL")).toHaveLength(10);
      expect(week.filter((m) => m.competition.code === "PD")).toHaveLength(10);
      for (const match of week) {
        const kickoff = Date.parse(match.utcDate);
        expect(kickoff).toBeGreaterThan(now.getTime());
        expect(kickoff).toBeLessThan(now.getTime() + 8 * 86_400_000);
        expect(["TIMED", "SCHEDULED"]).toContain(match.status);
        expect(match.homeTeam.id).not.toBe(match.awayTeam.id);
      }
      // Whitespace noise in names, as the real feed has.
      expect(
        week.some((m) => m.homeTeam.name !== m.homeTeam.name?.trim() || m.awayTeam.name !== m.awayTeam.name?.trim()),
      ).toBe(true);
    });
  }
});
