import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrazeClient } from "../../../src/shared/providers/braze/client.ts";
import { startBrazeWithClient } from "../../support/braze.ts";

describe("listing Braze schedules", () => {
  let sim: Awaited<ReturnType<typeof startBrazeWithClient>>;
  beforeAll(async () => {
    sim = await startBrazeWithClient({
      clock: { start: "2030-01-01T00:00:00Z", frozen: true },
      listApiTriggered: true,
    });
  });
  afterAll(() => sim.close());

  it("returns schedule ids and attempt ids up to end_time, minus the ones younger than the lag", async () => {
    const control = sim.control;
    const braze = sim.client({ sleep: async () => {} });
    const early = await braze.createSchedule({
      campaignId: "camp-1",
      sendAt: new Date("2030-01-02T15:00:00Z"),
      attemptId: "a-early",
      triggerProperties: {},
    });
    await braze.createSchedule({
      campaignId: "camp-1",
      sendAt: new Date("2030-01-09T15:00:00Z"),
      attemptId: "a-late",
      triggerProperties: {},
    });
    await control.clock({ advanceBySeconds: 120 });
    const fresh = await braze.createSchedule({
      campaignId: "camp-1",
      sendAt: new Date("2030-01-03T15:00:00Z"),
      attemptId: "a-fresh",
      triggerProperties: {},
    });
    await control.faults({ listLagSeconds: 60 });

    const lagging = await braze.listSchedules({ endTime: new Date("2030-01-05T00:00:00Z") });
    expect(lagging).toEqual([{
      campaignId: "camp-1",
      scheduleId: early.scheduleId,
      name: expect.any(String),
      nextSendTime: "2030-01-02T15:00:00.000Z",
      attemptId: "a-early",
    }]);

    await control.clock({ advanceBySeconds: 61 });
    const caughtUp = await braze.listSchedules({ endTime: new Date("2030-01-05T00:00:00Z") });
    expect(caughtUp.map((s) => [s.scheduleId, s.attemptId])).toEqual([[early.scheduleId, "a-early"], [
      fresh.scheduleId,
      "a-fresh",
    ]]);
  });

  it("leaves attemptId undefined when the listing does not expose trigger properties, as real Braze's does not", async () => {
    const fetch = async () =>
      new Response(
        JSON.stringify({
          scheduled_broadcasts: [{
            name: "Kickoff push",
            id: "camp-1",
            type: "Campaign",
            tags: [],
            next_send_time: "2030-01-02T15:00:00Z",
            schedule_type: "UTC",
          }],
        }),
        { status: 200 },
      );
    const braze = createBrazeClient({ baseUrl: "http://braze.invalid", apiKey: "k", fetch });
    expect(await braze.listSchedules({ endTime: new Date("2030-01-05T00:00:00Z") })).toEqual([
      {
        campaignId: "camp-1",
        scheduleId: undefined,
        name: "Kickoff push",
        nextSendTime: "2030-01-02T15:00:00Z",
        attemptId: undefined,
      },
    ]);
  });
});
