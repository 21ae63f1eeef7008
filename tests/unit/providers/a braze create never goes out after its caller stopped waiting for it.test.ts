// A run whose lease is in doubt answers a wait budget of 0 (see the
// scheduler's withWaitBudget). A create already waiting (for a 429's reset,
// or for its pacing slot) when that happens must give up, not go out once
// the wait is over: a call sent then is one no lease covers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamError } from "../../../src/shared/errors.ts";
import { startBrazeWithClient } from "../../support/braze.ts";

const START = Date.parse("2030-01-01T00:00:00Z");
const create = (attemptId: string) => ({
  campaignId: "camp-1",
  sendAt: new Date("2030-01-03T19:00:00Z"),
  attemptId,
  triggerProperties: {},
});

describe("a create waiting when its caller stops waiting", () => {
  let sim: Awaited<ReturnType<typeof startBrazeWithClient>>;
  beforeAll(async () => {
    sim = await startBrazeWithClient({ clock: { start: new Date(START), frozen: true } });
  });
  afterAll(() => sim.close());

  /** A client whose every wait ends with the caller's lease lost (budget 0). */
  const clientLosingItsLeaseWhileWaiting = (createsPerMinute: number) => {
    let simNow = START;
    let budget = 60_000;
    const sleeps: number[] = [];
    const braze = sim.client({
      maxAttempts: 3,
      random: () => 0,
      createsPerMinute,
      now: () => simNow,
      waitBudgetMs: () => budget,
      sleep: async (ms) => {
        sleeps.push(ms);
        simNow += ms;
        await sim.control.clock({ advanceBySeconds: ms / 1000 });
        budget = 0;
      },
    });
    return { braze, sleeps };
  };

  it("does not retry a 429 after waiting for its reset", async () => {
    await sim.control.reset();
    await sim.control.faults({ rateLimit: { remaining: 0, resetSeconds: 30 } });
    const { braze, sleeps } = clientLosingItsLeaseWhileWaiting(0);

    const refused = await braze.createSchedule(create("a-1")).catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused).toMatchObject({ outcome: "rejected", status: 429 });
    expect(sleeps).toEqual([30_000]);
    const state = await sim.control.state();
    expect(state.calls.map((c) => c.status)).toEqual([429]);
    expect(state.schedules).toEqual([]);
  });

  it("does not send a create that waited for its pacing slot", async () => {
    await sim.control.reset();
    const { braze, sleeps } = clientLosingItsLeaseWhileWaiting(1);
    await braze.createSchedule(create("a-1"));

    const refused = await braze.createSchedule(create("a-2")).catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused).toMatchObject({ outcome: "rejected", status: 429 });
    expect(sleeps.length).toBeGreaterThan(0);
    const state = await sim.control.state();
    expect(state.calls.map((c) => c.status)).toEqual([201]);
    expect(state.schedules).toHaveLength(1);
  });
});
