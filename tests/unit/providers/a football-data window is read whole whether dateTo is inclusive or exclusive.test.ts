import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "../../../dev/sim/fixtures.ts";
import { startFootballDataSimulator } from "../../../dev/sim/football-data.ts";
import { createFootballDataClient } from "../../../src/shared/providers/football-data/client.ts";

const fixtures = [
  fixture({ id: 1, utcDate: "2030-01-01T00:00:00Z" }),
  fixture({ id: 2, utcDate: "2030-01-02T21:00:00Z" }),
  fixture({ id: 3, utcDate: "2030-01-11T12:00:00Z" }),
  fixture({ id: 4, utcDate: "2030-01-14T23:59:00Z" }),
  fixture({ id: 5, utcDate: "2030-01-15T00:00:00Z" }),
  fixture({ id: 6, utcDate: "2029-12-31T23:59:00Z" }),
];

for (const dateToInclusive of [false, true]) {
  describe(`a server reading dateTo as ${dateToInclusive ? "inclusive" : "exclusive"}`, () => {
    let sim: Awaited<ReturnType<typeof startFootballDataSimulator>>;
    beforeAll(async () => {
      sim = await startFootballDataSimulator({ port: 0, fixtures, dateToInclusive });
    });
    afterAll(() => sim.close());

    it("returns exactly the matches whose utcDate falls on the asked days", async () => {
      const client = createFootballDataClient({ baseUrl: sim.url, apiToken: "local-football-token" });
      const matches = await client.listMatches({ competitions: ["PL"], dateFrom: "2030-01-01", dateTo: "2030-01-14" });
      expect(matches.map((m) => m.id).sort()).toEqual([1, 2, 3, 4]);
    });
  });
}
