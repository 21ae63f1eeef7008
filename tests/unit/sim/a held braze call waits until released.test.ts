import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrazeSimulator, simClient, startBrazeSimulator } from "../../../dev/sim/braze.ts";
import { createBrazeClient } from "../../../src/shared/providers/braze/client.ts";

describe("holding a Braze call open", () => {
  let sim: BrazeSimulator;
  beforeAll(async () => {
    sim = await startBrazeSimulator({ port: 0, clock: { start: "2030-01-01T00:00:00Z", frozen: true } });
  });
  afterAll(() => sim.close());

  it("parks the next matching call until release, while other calls go through", async () => {
    const control = simClient(sim.url);
    const braze = createBrazeClient({ baseUrl: sim.url, apiKey: "local-braze-key", timeoutMs: 10_000 });
    await control.hold("create", 1);

    let settled = false;
    const parked = braze
      .createSchedule({
        campaignId: "c",
        sendAt: new Date("2030-01-02T15:00:00Z"),
        attemptId: "held",
        triggerProperties: {},
      })
      .finally(() => (settled = true));
    const held = await control.waitHeld(1);
    expect(
      held.map((
        h,
      ) => [h.endpoint, (h.body as { trigger_properties: { attempt_id: string } }).trigger_properties.attempt_id]),
    ).toEqual([
      ["/campaigns/trigger/schedule/create", "held"],
    ]);

    // The hold was for one call: this one passes while the first is parked.
    const passing = await braze.createSchedule({
      campaignId: "c",
      sendAt: new Date("2030-01-02T16:00:00Z"),
      attemptId: "free",
      triggerProperties: {},
    });
    expect(settled).toBe(false);
    expect((await control.state()).schedules.map((s) => s.trigger_properties.attempt_id)).toEqual(["free"]);

    expect((await control.release("create")).released).toBe(1);
    const created = await parked;
    expect(created.scheduleId).not.toBe(passing.scheduleId);
    expect((await control.state()).schedules.map((s) => s.trigger_properties.attempt_id)).toEqual(["free", "held"]);
    expect(await control.held()).toEqual([]);
  });
});
