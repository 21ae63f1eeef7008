import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamError } from "../../../src/shared/errors.ts";
import { startBrazeWithClient } from "../../support/braze.ts";

describe("deleting a Braze schedule", () => {
  let sim: Awaited<ReturnType<typeof startBrazeWithClient>>;
  beforeAll(async () => {
    sim = await startBrazeWithClient({ clock: { start: "2030-01-01T00:00:00Z", frozen: true } });
  });
  afterAll(() => sim.close());

  it("succeeds the first time and again when Braze answers not found", async () => {
    const control = sim.control;
    const braze = sim.client({ sleep: async () => {} });
    const { scheduleId } = await braze.createSchedule({
      campaignId: "camp-1",
      sendAt: new Date("2030-01-02T15:00:00Z"),
      attemptId: "a-1",
      triggerProperties: {},
    });

    await braze.deleteSchedule({ campaignId: "camp-1", scheduleId });
    await braze.deleteSchedule({ campaignId: "camp-1", scheduleId });

    const state = await control.state();
    expect(state.calls.filter((c) => c.endpoint.endsWith("/delete")).map((c) => c.status)).toEqual([200, 404]);
    expect(state.schedules[0]!.status).toBe("deleted");
  });

  it("does not swallow other refusals, such as a bad API key", async () => {
    const braze = sim.client({ apiKey: "wrong", sleep: async () => {} });
    const error = await braze.deleteSchedule({ campaignId: "camp-1", scheduleId: "whatever" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status: 401, outcome: "rejected" });
  });
});
