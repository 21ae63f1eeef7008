import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrazeSimulator, simClient, startBrazeSimulator } from "../../../dev/sim/braze.ts";
import { DefaultRateLimiter } from "../../../dev/sim/braze/faults.ts";

const START = Date.parse("2030-01-01T00:00:00Z");

describe("Braze simulator rate limits", () => {
  let sim: BrazeSimulator;
  beforeAll(async () => {
    sim = await startBrazeSimulator({ port: 0, clock: { start: new Date(START), frozen: true } });
  });
  afterAll(() => sim.close());

  const create = () =>
    fetch(`${sim.url}/campaigns/trigger/schedule/create`, {
      method: "POST",
      headers: { authorization: "Bearer local-braze-key", "content-type": "application/json" },
      body: JSON.stringify({ campaign_id: "c", broadcast: true, schedule: { time: "2030-01-02T15:00:00Z" } }),
    });

  it("refuses every nth call with X-RateLimit-* headers, and a refused create is not applied", async () => {
    const control = simClient(sim.url);
    await control.faults({ rateLimit: { every: 3, resetSeconds: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await create();
      statuses.push(response.status);
      expect(response.headers.get("x-ratelimit-limit")).toMatch(/^\d+$/);
      expect(response.headers.get("x-ratelimit-remaining")).toMatch(/^\d+$/);
      if (response.status === 429) expect(Number(response.headers.get("x-ratelimit-reset"))).toBe(START / 1000 + 5);
    }
    expect(statuses).toEqual([201, 201, 429, 201, 201, 429]);
    expect((await control.state()).schedules).toHaveLength(4);
  });

  it("keeps Braze's default budgets per fixed minute: 250 broadcast creates, and resets at the next minute", () => {
    const limiter = new DefaultRateLimiter({ perMinute: 4166, broadcastPerMinute: 250 });
    const minute = Date.parse("2030-01-01T10:00:00Z");
    const verdicts = Array.from({ length: 251 }, (_, i) => limiter.check("broadcast", minute + i));
    expect(verdicts.filter((v) => v.limited)).toHaveLength(1);
    expect(verdicts[250]).toEqual({
      limited: true,
      limit: 250,
      remaining: 0,
      resetEpochSeconds: (minute + 60_000) / 1000,
    });
    expect(limiter.check("default", minute + 500).limited).toBe(false);
    expect(limiter.check("broadcast", minute + 60_000).limited).toBe(false);
  });
});
