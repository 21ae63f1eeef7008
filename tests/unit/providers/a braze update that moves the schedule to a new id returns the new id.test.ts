import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrazeWithClient } from "../../support/braze.ts";

describe("Braze answering an update with a new schedule id", () => {
  let sim: Awaited<ReturnType<typeof startBrazeWithClient>>;
  beforeAll(async () => {
    sim = await startBrazeWithClient({ clock: { start: "2030-01-01T00:00:00Z", frozen: true } });
  });
  afterAll(() => sim.close());

  it("hands the caller the id that is live now, and the old id no longer answers", async () => {
    const control = sim.control;
    const braze = sim.client({ sleep: async () => {} });
    const { scheduleId: original } = await braze.createSchedule({
      campaignId: "camp-1",
      sendAt: new Date("2030-01-02T15:00:00Z"),
      attemptId: "a-1",
      triggerProperties: {},
    });

    await control.faults({ newIdOnUpdate: true });
    const { scheduleId: moved } = await braze.updateSchedule({
      campaignId: "camp-1",
      scheduleId: original,
      sendAt: new Date("2030-01-02T16:00:00Z"),
      attemptId: "a-2",
      triggerProperties: {},
    });

    expect(moved).not.toBe(original);
    const state = await control.state();
    expect(state.schedules.filter((s) => s.status === "scheduled").map((s) => s.id)).toEqual([moved]);

    await control.faults({ newIdOnUpdate: null });
    const { scheduleId: kept } = await braze.updateSchedule({
      campaignId: "camp-1",
      scheduleId: moved,
      sendAt: new Date("2030-01-02T17:00:00Z"),
      attemptId: "a-3",
      triggerProperties: {},
    });
    expect(kept).toBe(moved);
    await expect(
      braze.updateSchedule({
        campaignId: "camp-1",
        scheduleId: original,
        sendAt: new Date("2030-01-02T18:00:00Z"),
        attemptId: "a-4",
        triggerProperties: {},
      }),
    ).rejects.toMatchObject({ outcome: "rejected", status: 404 });
  });
});
