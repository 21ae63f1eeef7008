import { afterAll, beforeAll, expect, it } from "vitest";
import { fixture } from "../../../dev/sim/fixtures.ts";
import { startFootballDataSimulator } from "../../../dev/sim/football-data.ts";
import { createFootballDataClient } from "../../../src/shared/providers/football-data/client.ts";

let sim: Awaited<ReturnType<typeof startFootballDataSimulator>>;
beforeAll(async () => {
  sim = await startFootballDataSimulator({
    port: 0,
    fixtures: [
      fixture({ id: 1, utcDate: "2030-01-01T15:00:00Z", homeTeam: { id: 5, name: "Arsenal\u0000 FC" } }),
      fixture({ id: 2, utcDate: "2030-01-01T18:00:00Z", awayTeam: { id: 6, name: "\u0000" } }),
    ],
  });
});
afterAll(() => sim.close());

// Postgres text and jsonb cannot store NUL: such a name would fail the ledger write of the whole batch.
it("drops NUL characters from team names, and a name of nothing else counts as missing", async () => {
  const client = createFootballDataClient({ baseUrl: sim.url, apiToken: "local-football-token" });
  const matches = await client.listMatches({ competitions: ["PL"], dateFrom: "2030-01-01", dateTo: "2030-01-01" });
  const byId = new Map(matches.map((m) => [m.id, m]));
  expect(byId.get(1)!.homeTeam.name).toBe("Arsenal FC");
  expect(byId.get(2)!.awayTeam.name).toBeNull();
});
