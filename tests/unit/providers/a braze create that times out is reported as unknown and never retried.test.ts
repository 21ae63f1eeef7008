import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamError } from "../../../src/shared/errors.ts";
import { startBrazeWithClient } from "../../support/braze.ts";

describe("a Braze create whose answer never arrives", () => {
  let sim: Awaited<ReturnType<typeof startBrazeWithClient>>;
  beforeAll(async () => {
    sim = await startBrazeWithClient({ clock: { start: "2030-01-01T00:00:00Z", frozen: true } });
  });
  afterAll(() => sim.close());

  it("throws outcome unknown after one call, and the schedule Braze committed is the only one", async () => {
    const control = sim.control;
    await control.faults({ timeoutAfterCommit: { next: 1 } });
    const sleeps: number[] = [];
    const braze = sim.client({ timeoutMs: 300, maxAttempts: 5, sleep: async (ms) => void sleeps.push(ms) });

    const error = await braze
      .createSchedule({
        campaignId: "camp-1",
        sendAt: new Date("2030-01-02T15:00:00Z"),
        attemptId: "attempt-1",
        triggerProperties: { match_id: 42 },
      })
      .then(() => undefined, (e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).outcome).toBe("unknown");
    expect(sleeps).toEqual([]);

    const state = await control.state();
    const creates = state.calls.filter((c) => c.endpoint === "/campaigns/trigger/schedule/create");
    expect(creates).toHaveLength(1);
    expect(creates[0]!.fault).toBe("timeoutAfterCommit");
    expect(state.schedules).toHaveLength(1);
    expect(state.schedules[0]).toMatchObject({
      campaign_id: "camp-1",
      status: "scheduled",
      send_at: "2030-01-02T15:00:00.000Z",
      trigger_properties: { match_id: 42, attempt_id: "attempt-1" },
    });
  });
});
