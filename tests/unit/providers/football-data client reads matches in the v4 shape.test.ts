import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, LA_LIGA } from "../../../dev/sim/fixtures.ts";
import { type FootballDataSimulator, startFootballDataSimulator } from "../../../dev/sim/football-data.ts";
import { UpstreamError } from "../../../src/shared/errors.ts";
import { createFootballDataClient } from "../../../src/shared/providers/football-data/client.ts";

const serieA = { id: 2019, name: "Serie A", code: "SA", type: "LEAGUE", emblem: null };

describe("the football-data client", () => {
  let sim: FootballDataSimulator;
  beforeAll(async () => {
    sim = await startFootballDataSimulator({
      port: 0,
      fixtures: [
        fixture({ id: 1, utcDate: "2030-03-07T20:00:00Z" }),
        fixture({
          id: 2,
          utcDate: "2030-03-09T19:00:00Z",
          competition: LA_LIGA.competition,
          homeTeam: { ...LA_LIGA.teams[0]!, name: "Real Madrid CF " },
          awayTeam: LA_LIGA.teams[1]!,
        }),
        fixture({ id: 3, utcDate: "2030-03-08T14:00:00Z", competition: serieA }),
        fixture({ id: 4, utcDate: "2030-03-10T00:00:00Z" }),
        fixture({ id: 5, utcDate: "2030-03-06T23:59:59Z" }),
      ],
    });
  });
  afterAll(() => sim.close());

  it("asks for the competitions and inclusive UTC dates, and returns them as Match", async () => {
    const client = createFootballDataClient({ baseUrl: sim.url, apiToken: "local-football-token" });
    const matches = await client.listMatches({
      competitions: ["PL", "PD"],
      dateFrom: "2030-03-07",
      dateTo: "2030-03-09",
    });

    expect(matches).toEqual([
      {
        id: 1,
        utcDate: "2030-03-07T20:00:00Z",
        status: "TIMED",
        competition: { id: 2021, code: "PL", name: "Premier League" },
        homeTeam: { id: 57, name: "Arsenal FC" },
        awayTeam: { id: 61, name: "Chelsea FC" },
        lastUpdated: "2030-01-01T08:00:00Z",
      },
      {
        id: 2,
        utcDate: "2030-03-09T19:00:00Z",
        status: "TIMED",
        competition: { id: 2014, code: "PD", name: "Primera Division" },
        // The client passes names through; trimming belongs to the signature.
        homeTeam: { id: 86, name: "Real Madrid CF " },
        awayTeam: { id: 81, name: "FC Barcelona" },
        lastUpdated: "2030-01-01T08:00:00Z",
      },
    ]);
  });

  it("reports a wrong token as a rejected upstream call", async () => {
    const client = createFootballDataClient({ baseUrl: sim.url, apiToken: "wrong" });
    const error = await client.listMatches({ competitions: ["PL"], dateFrom: "2030-03-07", dateTo: "2030-03-09" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: "football-data", outcome: "rejected", status: 400 });
  });
});
