import { afterAll, beforeAll, expect, it } from "vitest";
import { fixture } from "../../../dev/sim/fixtures.ts";
import { simFootballClient, startFootballDataSimulator } from "../../../dev/sim/football-data.ts";
import { createFootballDataClient, dateRanges } from "../../../src/shared/providers/football-data/client.ts";

let sim: Awaited<ReturnType<typeof startFootballDataSimulator>>;
beforeAll(async () => {
  sim = await startFootballDataSimulator({
    port: 0,
    fixtures: [
      fixture({ id: 1, utcDate: "2030-01-01T15:00:00Z" }),
      fixture({ id: 2, utcDate: "2030-01-10T15:00:00Z" }),
      fixture({ id: 3, utcDate: "2030-01-11T15:00:00Z" }),
      fixture({ id: 4, utcDate: "2030-01-14T15:00:00Z" }),
      fixture({ id: 5, utcDate: "2030-01-15T15:00:00Z" }),
    ],
  });
});
afterAll(() => sim.close());

it("splits a range into requests each ending on the day after the last day it must cover", () => {
  expect(dateRanges("2030-01-01", "2030-01-14", 10)).toEqual([
    { from: "2030-01-01", to: "2030-01-11" },
    { from: "2030-01-11", to: "2030-01-15" },
  ]);
  expect(dateRanges("2030-01-01", "2030-01-01", 10)).toEqual([{ from: "2030-01-01", to: "2030-01-02" }]);
});

it("returns every match of a 14-day window from a server that refuses ranges over 10 days", async () => {
  const client = createFootballDataClient({ baseUrl: sim.url, apiToken: "local-football-token" });
  const matches = await client.listMatches({ competitions: ["PL"], dateFrom: "2030-01-01", dateTo: "2030-01-14" });
  expect(matches.map((m) => m.id).sort()).toEqual([1, 2, 3, 4]);
  expect(await simFootballClient(sim.url).calls()).toBe(2);
});
