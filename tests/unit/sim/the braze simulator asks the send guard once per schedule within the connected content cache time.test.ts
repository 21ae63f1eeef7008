// Braze caches a Connected Content GET per URL (5 minutes by default): the
// second recipient of a schedule is answered from the cache, and once the
// cache time has passed on the simulator's clock, Braze asks again. Error
// answers are not cached, so every recipient asks again after one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrazeSimulator, simClient, startBrazeSimulator } from "../../../dev/sim/braze.ts";
import { createBrazeClient } from "../../../src/shared/providers/braze/client.ts";
import { sendAnswer, type StandInGuard, startStandInGuard } from "./stand-in-guard.ts";

describe("the Braze simulator's Connected Content cache", () => {
  let guard: StandInGuard;
  let sim: BrazeSimulator;
  beforeAll(async () => {
    guard = await startStandInGuard((key) => key === "broken" ? { status: 500, body: "oops" } : sendAnswer(true));
    sim = await startBrazeSimulator({
      port: 0,
      clock: { start: "2030-01-01T12:00:00Z", frozen: true },
      sendGuard: { url: guard.url, secret: guard.secret },
      recipients: [{ language: "en" }, { language: "de" }, { language: "es" }],
    });
  });
  afterAll(async () => {
    await sim.close();
    await guard.close();
  });

  it("asks once per URL while the answer is fresh, again after five minutes, and after every error", async () => {
    const braze = createBrazeClient({ baseUrl: sim.url, apiKey: "local-braze-key" });
    const control = simClient(sim.url);
    const schedule = (at: string, key: string) =>
      braze.createSchedule({
        campaignId: "c",
        sendAt: new Date(at),
        attemptId: key,
        triggerProperties: { match_id: 1, home_team: "A", away_team: "B", guard_key: key },
      });
    const asksFor = (key: string) => guard.asks.filter((a) => a.key === key).length;

    await schedule("2030-01-01T13:00:00Z", "k1");
    await schedule("2030-01-01T13:04:00Z", "k1"); // same URL within 5 minutes: cached
    await schedule("2030-01-01T13:06:00Z", "k1"); // 6 minutes after the first ask: asked again
    await schedule("2030-01-01T13:10:00Z", "broken");
    await control.clock({ advanceTo: "2030-01-01T13:00:00Z" });
    expect(asksFor("k1")).toBe(1);
    await control.clock({ advanceTo: "2030-01-01T13:04:00Z" });
    expect(asksFor("k1")).toBe(1);
    await control.clock({ advanceTo: "2030-01-01T13:06:00Z" });
    expect(asksFor("k1")).toBe(2);
    await control.clock({ advanceTo: "2030-01-01T13:10:00Z" });
    expect(asksFor("broken")).toBe(3);

    const state = await control.state();
    expect(state.deliveries.map((d) => d.guard_asks.map((a) => a.cached))).toEqual([
      [false, true, true],
      [true, true, true],
      [false, true, true],
      [false, false, false],
    ]);
  });
});
