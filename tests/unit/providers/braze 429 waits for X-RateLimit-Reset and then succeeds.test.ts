import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBrazeWithClient } from "../../support/braze.ts";

const START = Date.parse("2030-01-01T00:00:00Z");

describe("Braze answering 429", () => {
  let sim: Awaited<ReturnType<typeof startBrazeWithClient>>;
  beforeAll(async () => {
    sim = await startBrazeWithClient({ clock: { start: new Date(START), frozen: true } });
  });
  afterAll(() => sim.close());

  it("waits until X-RateLimit-Reset, then the same create goes through once", async () => {
    const control = sim.control;
    // The window is spent: every call is refused until the sim clock passes START + 30s.
    await control.faults({ rateLimit: { remaining: 0, resetSeconds: 30 } });
    let simNow = START;
    const sleeps: number[] = [];
    const braze = sim.client({
      maxAttempts: 2,
      random: () => 0,
      now: () => simNow,
      // Sleeping moves the simulator's clock instead of the test's wall clock.
      sleep: async (ms) => {
        sleeps.push(ms);
        simNow += ms;
        await control.clock({ advanceBySeconds: ms / 1000 });
      },
    });

    const created = await braze.createSchedule({
      campaignId: "camp-1",
      sendAt: new Date("2030-01-03T19:00:00Z"),
      attemptId: "a-1",
      triggerProperties: {},
    });

    expect(sleeps).toEqual([30_000]);
    const state = await control.state();
    expect(state.calls.map((c) => c.status)).toEqual([429, 201]);
    expect(state.schedules.map((s) => s.id)).toEqual([created.scheduleId]);
  });
});
