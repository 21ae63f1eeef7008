import { expect, it } from "vitest";
import { createPacer } from "../../../src/shared/providers/pacer.ts";

it("never lets more calls than the budget into any 60-second interval, however many callers wait", async () => {
  // Every caller arrives at t=0; a call goes out when its sleep ends.
  const sentAt: number[] = [];
  const pacer = createPacer({
    perMinute: 60,
    now: () => 0,
    sleep: async (ms) => void sentAt.push(ms),
  });
  await Promise.all(Array.from({ length: 150 }, () => pacer.take()));
  const calls = [0, ...sentAt]; // the first caller did not sleep

  expect(calls).toHaveLength(150);
  for (const start of calls) {
    expect(calls.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(60);
  }
  expect(Math.max(...calls)).toBe(149_000); // evenly spaced: no slower than the budget either
});

it("lets a call through at once when its slot has already passed", async () => {
  let clock = 0;
  const sleeps: number[] = [];
  const pacer = createPacer({ perMinute: 60, now: () => clock, sleep: async (ms) => void sleeps.push(ms) });
  await pacer.take();
  clock = 5_000; // five slots later
  await pacer.take();
  expect(sleeps).toEqual([]);
  await pacer.take(); // the next slot is one spacing after the last call
  expect(sleeps).toEqual([1_000]);
});
