import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, LA_LIGA } from "../../../dev/sim/fixtures.ts";
import {
  type FootballDataSimulator,
  simFootballClient,
  startFootballDataSimulator,
} from "../../../dev/sim/football-data.ts";

describe("the football-data simulator", () => {
  let sim: FootballDataSimulator;
  beforeAll(async () => {
    sim = await startFootballDataSimulator({
      port: 0,
      dateToInclusive: true,
      fixtures: [
        fixture({ id: 10, utcDate: "2030-03-07T00:00:00Z" }),
        fixture({ id: 11, utcDate: "2030-03-09T23:30:00Z", competition: LA_LIGA.competition, status: "FINISHED" }),
        fixture({ id: 12, utcDate: "2030-03-10T00:00:00Z" }),
      ],
    });
  });
  afterAll(() => sim.close());

  const get = (query: string, token = "local-football-token") =>
    fetch(`${sim.url}/v4/matches?${query}`, { headers: { "X-Auth-Token": token } });

  it("answers in the v4 shape with throttle headers", async () => {
    const response = await get("competitions=PL,PD&dateFrom=2030-03-07&dateTo=2030-03-09");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-requests-available-minute")).toMatch(/^\d+$/);
    expect(response.headers.get("x-requestcounter-reset")).toMatch(/^\d+$/);
    const body = await response.json();
    expect(body.filters).toMatchObject({ competitions: "PL,PD", dateFrom: "2030-03-07", dateTo: "2030-03-09" });
    expect(body.resultSet).toEqual({
      count: 2,
      competitions: "PL,PD",
      first: "2030-03-07",
      last: "2030-03-09",
      played: 1,
    });
    expect(body.matches.map((m: { id: number }) => m.id)).toEqual([10, 11]);
    expect(Object.keys(body.matches[0]).sort()).toEqual(
      [
        "area",
        "awayTeam",
        "competition",
        "group",
        "homeTeam",
        "id",
        "lastUpdated",
        "matchday",
        "odds",
        "referees",
        "score",
        "season",
        "stage",
        "status",
        "utcDate",
      ].sort(),
    );
  });

  it("filters by competition code", async () => {
    const body = await (await get("competitions=PD&dateFrom=2030-03-01&dateTo=2030-03-10")).json();
    expect(body.matches.map((m: { id: number }) => m.id)).toEqual([11]);
  });

  it("refuses a missing or wrong token, and a range over ten days", async () => {
    expect((await fetch(`${sim.url}/v4/matches`)).status).toBe(403);
    expect((await get("competitions=PL", "nope")).status).toBe(400);
    expect((await get("dateFrom=2030-03-01&dateTo=2030-03-20")).status).toBe(400);
  });

  it("lets a test move a kickoff, and stamps lastUpdated", async () => {
    const control = simFootballClient(sim.url);
    const moved = await control.patchMatch(10, { utcDate: "2030-03-08T19:45:00Z", homeTeam: { name: "Arsenal" } });
    expect(moved.utcDate).toBe("2030-03-08T19:45:00Z");
    expect(moved.homeTeam).toMatchObject({ id: 57, name: "Arsenal", tla: "ARS" });
    expect(moved.lastUpdated).not.toBe("2030-01-01T08:00:00Z");
    await control.reset();
    expect((await control.matches()).find((m) => m.id === 10)!.utcDate).toBe("2030-03-07T00:00:00Z");
  });
});
