import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture } from "../../../dev/sim/fixtures.ts";
import {
  type FootballDataSimulator,
  simFootballClient,
  startFootballDataSimulator,
} from "../../../dev/sim/football-data.ts";
import { createFootballDataClient } from "../../../src/shared/providers/football-data/client.ts";

describe("football-data throttling", () => {
  let sim: FootballDataSimulator;
  beforeAll(async () => {
    sim = await startFootballDataSimulator({
      port: 0,
      fixtures: [fixture({ id: 7, utcDate: "2030-03-07T20:00:00Z" })],
    });
  });
  afterAll(() => sim.close());

  it("sleeps for the seconds X-RequestCounter-Reset names, then reads", async () => {
    const control = simFootballClient(sim.url);
    await control.faults({ rateLimit: { next: 1, resetSeconds: 17 } });
    const sleeps: number[] = [];
    const client = createFootballDataClient({
      baseUrl: sim.url,
      apiToken: "local-football-token",
      random: () => 0,
      sleep: async (ms) => void sleeps.push(ms),
    });

    const matches = await client.listMatches({ competitions: ["PL"], dateFrom: "2030-03-07", dateTo: "2030-03-07" });

    expect(matches.map((m) => m.id)).toEqual([7]);
    expect(sleeps).toEqual([17_000]);
    expect(await control.calls()).toBe(2);
  });

  it("retries a 5xx, since a read changes nothing", async () => {
    const control = simFootballClient(sim.url);
    await control.faults({ errors5xx: { next: 2, status: 502 } });
    const client = createFootballDataClient({
      baseUrl: sim.url,
      apiToken: "local-football-token",
      maxAttempts: 3,
      sleep: async () => {},
    });
    const before = await control.calls();

    const matches = await client.listMatches({ competitions: ["PL"], dateFrom: "2030-03-07", dateTo: "2030-03-07" });

    expect(matches).toHaveLength(1);
    expect((await control.calls()) - before).toBe(3);
  });
});
