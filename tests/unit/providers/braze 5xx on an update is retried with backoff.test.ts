import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrazeWithClient } from "../../support/braze.ts";

describe("Braze answering 5xx to an update", () => {
  let sim: Awaited<ReturnType<typeof startBrazeWithClient>>;
  beforeAll(async () => {
    sim = await startBrazeWithClient({
      clock: { start: "2030-01-01T00:00:00Z", frozen: true },
      updateAppliesTriggerProperties: true,
    });
  });
  afterAll(() => sim.close());

  it("retries with capped, jittered exponential backoff until the update lands", async () => {
    const control = sim.control;
    const sleeps: number[] = [];
    const braze = sim.client({
      baseDelayMs: 100,
      maxDelayMs: 150,
      maxAttempts: 4,
      random: () => 0.5,
      sleep: async (ms) => void sleeps.push(ms),
    });
    const { scheduleId } = await braze.createSchedule({
      campaignId: "camp-1",
      sendAt: new Date("2030-01-02T15:00:00Z"),
      attemptId: "a-1",
      triggerProperties: {},
    });
    await control.faults({ errors5xx: { next: 2, endpoint: "update" } });

    const updated = await braze.updateSchedule({
      campaignId: "camp-1",
      scheduleId,
      sendAt: new Date("2030-01-02T17:30:00Z"),
      attemptId: "a-2",
      triggerProperties: {},
    });

    expect(updated.scheduleId).toBe(scheduleId);
    // Full jitter with random 0.5: half of 100 * 2^0, then half of min(150, 100 * 2^1).
    expect(sleeps).toEqual([50, 75]);
    const state = await control.state();
    const updates = state.calls.filter((c) => c.endpoint.endsWith("/update"));
    expect(updates.map((c) => c.status)).toEqual([500, 500, 200]);
    expect(state.schedules).toHaveLength(1);
    expect(state.schedules[0]).toMatchObject({
      send_at: "2030-01-02T17:30:00.000Z",
      trigger_properties: { attempt_id: "a-2" },
    });
  });

  it("gives up after maxAttempts with an error that names the status", async () => {
    const control = sim.control;
    const braze = sim.client({ maxAttempts: 2, sleep: async () => {} });
    const { scheduleId } = await braze.createSchedule({
      campaignId: "camp-2",
      sendAt: new Date("2030-01-02T15:00:00Z"),
      attemptId: "b-1",
      triggerProperties: {},
    });
    await control.faults({ errors5xx: { next: 5, endpoint: "update", status: 503 } });

    await expect(
      braze.updateSchedule({
        campaignId: "camp-2",
        scheduleId,
        sendAt: new Date("2030-01-02T16:00:00Z"),
        attemptId: "b-2",
        triggerProperties: {},
      }),
    ).rejects.toMatchObject({ status: 503, outcome: "unknown" });
  });
});
