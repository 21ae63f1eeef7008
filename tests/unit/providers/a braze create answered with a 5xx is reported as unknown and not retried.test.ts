import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrazeWithClient } from "../../support/braze.ts";

describe("a Braze create answered 500", () => {
  let sim: Awaited<ReturnType<typeof startBrazeWithClient>>;
  beforeAll(async () => {
    sim = await startBrazeWithClient({ clock: { start: "2030-01-01T00:00:00Z", frozen: true } });
  });
  afterAll(() => sim.close());

  it("is unknown even when Braze did apply it, and is sent once", async () => {
    const control = sim.control;
    await control.faults({ errors5xx: { next: 1, endpoint: "create", afterCommit: true } });
    const braze = sim.client({ maxAttempts: 4, sleep: async () => {} });

    await expect(
      braze.createSchedule({
        campaignId: "camp-1",
        sendAt: new Date("2030-01-02T15:00:00Z"),
        attemptId: "a-1",
        triggerProperties: {},
      }),
    ).rejects.toMatchObject({ outcome: "unknown", status: 500 });

    const state = await control.state();
    expect(state.calls.map((c) => [c.endpoint, c.status])).toEqual([["/campaigns/trigger/schedule/create", 500]]);
    expect(state.schedules.map((s) => s.trigger_properties.attempt_id)).toEqual(["a-1"]);
  });
});
