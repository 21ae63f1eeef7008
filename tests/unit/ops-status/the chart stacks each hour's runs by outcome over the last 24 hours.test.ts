import { expect, it } from "vitest";
import { hourlySlots, runsChart } from "../../../src/shared/jobs/ops-status/chart.ts";

const now = new Date("2026-11-22T12:30:00Z");
const rows = [
  { hour: "2026-11-22T12:00:00+00:00", outcome: "completed", runs: 3 },
  { hour: "2026-11-22T12:00:00+00:00", outcome: "running", runs: 1 },
  { hour: "2026-11-22T09:00:00+00:00", outcome: "locked", runs: 2 },
  { hour: "2026-11-21T13:00:00+00:00", outcome: "failed", runs: 6 },
  // Outside the 24 h window: not drawn.
  { hour: "2026-11-21T12:00:00+00:00", outcome: "failed", runs: 9 },
];

it("puts each row in its hour, oldest first, ending with the current hour", () => {
  const slots = hourlySlots(rows, now);
  expect(slots).toHaveLength(24);
  expect(new Date(slots[0]!.start).toISOString()).toBe("2026-11-21T13:00:00.000Z");
  expect(new Date(slots[23]!.start).toISOString()).toBe("2026-11-22T12:00:00.000Z");
  expect(slots[23]!.total).toBe(4);
  expect(Object.fromEntries(slots[23]!.byOutcome)).toEqual({ completed: 3, running: 1 });
  expect(slots[20]!.byOutcome.get("locked")).toBe(2);
  expect(slots[0]!.byOutcome.get("failed")).toBe(6);
  expect(slots.reduce((n, s) => n + s.total, 0)).toBe(12);
});

it("draws one rect per (hour, outcome), the tallest hour at full height, stacked without overlap", () => {
  const svg = runsChart(rows, now).value;
  const rects = [
    ...svg.matchAll(
      /<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"[^>]*data-outcome="(\w+)" data-runs="(\d+)"/g,
    ),
  ].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    height: Number(m[3]),
    outcome: m[4],
    runs: Number(m[5]),
  }));
  expect(rects.map((r) => `${r.outcome}:${r.runs}`).sort()).toEqual([
    "completed:3",
    "failed:6",
    "locked:2",
    "running:1",
  ]);
  const failed = rects.find((r) => r.outcome === "failed")!;
  const completed = rects.find((r) => r.outcome === "completed")!;
  const running = rects.find((r) => r.outcome === "running")!;
  expect(completed.height).toBeCloseTo(failed.height / 2, 0);
  // Stacked: the running bar sits on top of the completed bar in the same column.
  expect(running.x).toBe(completed.x);
  expect(running.y + running.height).toBeCloseTo(completed.y, 1);
  expect(svg).toContain("last 24 hours (12 runs)");
});
