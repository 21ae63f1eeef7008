import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrazeSimulator, simClient, startBrazeSimulator } from "../../../dev/sim/braze.ts";
import { createBrazeClient } from "../../../src/shared/providers/braze/client.ts";

describe("the Braze simulator's clock", () => {
  let sim: BrazeSimulator;
  beforeAll(async () => {
    sim = await startBrazeSimulator({ port: 0, clock: { start: "2030-01-01T12:00:00Z", frozen: true } });
  });
  afterAll(() => sim.close());

  it("sends each live schedule once when its time passes, and never a deleted one", async () => {
    const control = simClient(sim.url);
    const braze = createBrazeClient({ baseUrl: sim.url, apiKey: "local-braze-key" });
    const at = (iso: string) => new Date(iso);
    const one = await braze.createSchedule({
      campaignId: "c",
      sendAt: at("2030-01-01T13:00:00Z"),
      attemptId: "a1",
      triggerProperties: {},
    });
    const two = await braze.createSchedule({
      campaignId: "c",
      sendAt: at("2030-01-01T14:00:00Z"),
      attemptId: "a2",
      triggerProperties: {},
    });
    const three = await braze.createSchedule({
      campaignId: "c",
      sendAt: at("2030-01-01T15:00:00Z"),
      attemptId: "a3",
      triggerProperties: {},
    });
    await braze.deleteSchedule({ campaignId: "c", scheduleId: two.scheduleId });

    const first = await control.clock({ advanceTo: "2030-01-01T13:30:00Z" });
    expect(first.fired.map((f) => f.schedule_id)).toEqual([one.scheduleId]);

    // Reading and re-setting the clock at the same instant must not send again.
    await control.clock({ advanceBySeconds: 0 });
    await control.state();
    expect((await control.state()).fired).toHaveLength(1);

    const second = await control.clock({ advanceTo: "2030-01-01T18:00:00Z" });
    expect(second.fired.map((f) => f.schedule_id)).toEqual([three.scheduleId]);

    const state = await control.state();
    expect(state.fired.map((f) => f.trigger_properties.attempt_id)).toEqual(["a1", "a3"]);
    expect(Object.fromEntries(state.schedules.map((s) => [s.trigger_properties.attempt_id, s.status]))).toEqual({
      a1: "fired",
      a2: "deleted",
      a3: "fired",
    });
    // A sent schedule is gone as far as updates are concerned.
    await expect(
      braze.updateSchedule({
        campaignId: "c",
        scheduleId: one.scheduleId,
        sendAt: at("2030-01-02T13:00:00Z"),
        attemptId: "a1",
        triggerProperties: {},
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("refuses to move backwards by advancing", async () => {
    const response = await fetch(`${sim.url}/_sim/clock`, {
      method: "POST",
      body: JSON.stringify({ advanceTo: "2029-01-01T00:00:00Z" }),
    });
    expect(response.status).toBe(400);
  });
});
