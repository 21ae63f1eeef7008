import { expect, it } from "vitest";
import { createPacer, PacerWaitTooLong } from "../../../src/shared/providers/pacer.ts";

function fakeTime() {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}

it("spreads the calls Braze says are left evenly over the time to its reset", async () => {
  const t = fakeTime();
  const pacer = createPacer({ perMinute: 6000, now: t.now, sleep: t.sleep });
  await pacer.take();
  // 4 left for the next 40 s: one every 10 s, not one every 10 ms.
  pacer.observe({ remaining: 4, resetAtMs: t.now() + 40_000 });
  await pacer.take();
  expect(t.slept).toEqual([10_000]);
});

it("waits for the reset when nothing is left, and refuses a wait longer than the budget without claiming the slot", async () => {
  const t = fakeTime();
  const pacer = createPacer({ perMinute: 6000, now: t.now, sleep: t.sleep });
  pacer.observe({ remaining: 0, resetAtMs: t.now() + 60_000 });
  await expect(pacer.take(20_000)).rejects.toBeInstanceOf(PacerWaitTooLong);
  expect(t.slept).toEqual([]);
  await pacer.take();
  expect(t.slept).toEqual([60_000]);
});
