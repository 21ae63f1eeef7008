// The template fails open: when Braze gets no usable answer from the guard
// (an error page, a refused connection), the saved variable is null and the
// push goes out. Only an explicit {"send": false} aborts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrazeSimulator, simClient, startBrazeSimulator } from "../../../dev/sim/braze.ts";
import { createBrazeClient } from "../../../src/shared/providers/braze/client.ts";
import { type StandInGuard, startStandInGuard } from "./stand-in-guard.ts";

describe("the Braze simulator when the send guard is down", () => {
  let guard: StandInGuard;
  let down: BrazeSimulator;
  let broken: BrazeSimulator;
  beforeAll(async () => {
    guard = await startStandInGuard(() => ({ status: 503, body: "<html>Service Unavailable</html>" }));
    broken = await startBrazeSimulator({
      port: 0,
      clock: { start: "2030-01-01T12:00:00Z", frozen: true },
      sendGuard: { url: guard.url, secret: guard.secret },
    });
    // Nothing listens here any more.
    const gone = await startStandInGuard(() => ({ status: 200, body: "{}" }));
    await gone.close();
    down = await startBrazeSimulator({
      port: 0,
      clock: { start: "2030-01-01T12:00:00Z", frozen: true },
      sendGuard: { url: gone.url, secret: gone.secret },
    });
  });
  afterAll(async () => {
    await down.close();
    await broken.close();
    await guard.close();
  });

  it("delivers when the guard answers an error page or refuses the connection", async () => {
    for (const sim of [broken, down]) {
      const braze = createBrazeClient({ baseUrl: sim.url, apiKey: "local-braze-key" });
      await braze.createSchedule({
        campaignId: "c",
        sendAt: new Date("2030-01-01T13:00:00Z"),
        attemptId: "k",
        triggerProperties: { match_id: 9, home_team: "A", away_team: "B", guard_key: "k" },
      });
      const control = simClient(sim.url);
      await control.clock({ advanceTo: "2030-01-01T13:01:00Z" });
      const state = await control.state();
      expect(state.delivered_per_match).toEqual({ "9": 1 });
      expect(state.deliveries[0]!.recipients.map((r) => r.text)).toEqual([
        "A v B: kick-off in one hour.",
        "A v B: kick-off in one hour.",
      ]);
      expect(state.deliveries[0]!.guard_asks.every((a) => a.status === 503 || a.error !== undefined)).toBe(true);
    }
    expect(guard.asks.length).toBeGreaterThan(0);
  });
});
