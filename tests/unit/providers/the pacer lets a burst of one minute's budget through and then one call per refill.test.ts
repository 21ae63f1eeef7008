import { expect, it } from "vitest";
import { createPacer } from "../../../src/shared/providers/pacer.ts";

it("never lets more calls through in any minute than the budget", async () => {
  let clock = 0;
  const sleeps: number[] = [];
  const pacer = createPacer({
    perMinute: 60, // one token a second
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  const at: number[] = [];
  await Promise.all(Array.from({ length: 100 }, () => pacer.take().then(() => at.push(clock))));

  expect(at).toHaveLength(100);
  expect(at.slice(0, 60).every((t) => t === 0)).toBe(true); // the first minute's budget at once
  expect(at[60]).toBe(1000); // then one per second
  expect(at[99]).toBe(40_000);
  // In any 60-second window at most 60 + 60 calls (bucket full + refill): never a burst beyond that.
  for (const start of at) expect(at.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(120);
  expect(sleeps.every((ms) => ms > 0)).toBe(true);
});
