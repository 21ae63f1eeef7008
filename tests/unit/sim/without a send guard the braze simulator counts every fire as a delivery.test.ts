// Listing-mode tests and the others that start the simulator without a send
// guard keep its old behaviour: nothing is rendered, every fired schedule is a
// delivery, counted per trigger_properties.match_id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrazeSimulator, simClient, startBrazeSimulator } from "../../../dev/sim/braze.ts";
import { createBrazeClient } from "../../../src/shared/providers/braze/client.ts";

describe("the Braze simulator without a send guard", () => {
  let sim: BrazeSimulator;
  beforeAll(async () => {
    sim = await startBrazeSimulator({ port: 0, clock: { start: "2030-01-01T12:00:00Z", frozen: true } });
  });
  afterAll(() => sim.close());

  it("delivers every fired schedule without rendering", async () => {
    const braze = createBrazeClient({ baseUrl: sim.url, apiKey: "local-braze-key" });
    for (const key of ["a", "b"]) {
      await braze.createSchedule({
        campaignId: "c",
        sendAt: new Date("2030-01-01T13:00:00Z"),
        attemptId: key,
        triggerProperties: { match_id: 3, guard_key: key },
      });
    }
    const control = simClient(sim.url);
    await control.clock({ advanceTo: "2030-01-01T14:00:00Z" });
    const state = await control.state();
    expect(state.deliveries.map((d) => [d.outcome, d.rendered])).toEqual([["delivered", false], ["delivered", false]]);
    expect(state.delivered_per_match).toEqual({ "3": 2 });
  });
});
