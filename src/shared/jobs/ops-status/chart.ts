// The inline SVG bar chart: runs started per hour over the last 24 hours,
// stacked by outcome. Inline so the page needs no external asset and no script.
import { html, type Safe } from "./html.ts";
import type { HourlyRuns } from "../../data/operations.ts";

const HOUR = 3_600_000;
export const OUTCOME_COLOURS: Record<string, string> = {
  completed: "#2e7d32",
  running: "#1565c0",
  locked: "#9e9e9e",
  lease_lost: "#ef6c00",
  failed: "#c62828",
};
const ORDER = Object.keys(OUTCOME_COLOURS);

export interface HourSlot {
  start: number;
  byOutcome: Map<string, number>;
  total: number;
}

/** 24 hourly slots ending with the hour that contains `now`, oldest first. */
export function hourlySlots(rows: HourlyRuns[], now: Date): HourSlot[] {
  const last = Math.floor(now.getTime() / HOUR) * HOUR;
  const slots: HourSlot[] = Array.from(
    { length: 24 },
    (_, i) => ({ start: last - (23 - i) * HOUR, byOutcome: new Map(), total: 0 }),
  );
  for (const row of rows) {
    const slot = slots.find((s) => s.start === Date.parse(row.hour));
    if (!slot) continue;
    slot.byOutcome.set(row.outcome, (slot.byOutcome.get(row.outcome) ?? 0) + Number(row.runs));
    slot.total += Number(row.runs);
  }
  return slots;
}

const hh = (ms: number) => new Date(ms).toISOString().slice(11, 16);

export function runsChart(rows: HourlyRuns[], now: Date): Safe {
  const slots = hourlySlots(rows, now);
  const max = Math.max(1, ...slots.map((s) => s.total));
  const [w, h, left, top, bottom, bar] = [760, 190, 36, 10, 30, 30];
  const plot = h - top - bottom;
  const outcomes = [...ORDER, ...new Set(rows.map((r) => r.outcome).filter((o) => !ORDER.includes(o)))];
  const bars = slots.map((slot, i) => {
    let y = top + plot;
    const x = left + i * bar + 3;
    return outcomes.map((outcome) => {
      const n = slot.byOutcome.get(outcome) ?? 0;
      if (!n) return html``;
      const height = (n / max) * plot;
      y -= height;
      return html`<rect x="${x}" y="${y.toFixed(1)}" width="${bar - 6}" height="${height.toFixed(1)}" fill="${
        OUTCOME_COLOURS[outcome] ?? "#6a1b9a"
      }" data-outcome="${outcome}" data-runs="${n}"><title>${hh(slot.start)} UTC: ${n} ${outcome}</title></rect>`;
    });
  });
  const labels = slots.map((slot, i) =>
    i % 3 === 0
      ? html`<text x="${left + i * bar + bar / 2}" y="${h - 12}" text-anchor="middle">${hh(slot.start)}</text>`
      : html``
  );
  const total = slots.reduce((n, s) => n + s.total, 0);
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="100%" style="max-width:${
    w * 1.5
  }px" role="img" aria-labelledby="chart-title">
<title id="chart-title">Runs per hour by outcome, last 24 hours (${total} runs)</title>
<line x1="${left}" y1="${top + plot}" x2="${w - 4}" y2="${top + plot}" stroke="#888"/>
<text x="${left - 6}" y="${top + 10}" text-anchor="end">${max}</text><text x="${left - 6}" y="${
    top + plot
  }" text-anchor="end">0</text>
${bars}${labels}
</svg>
<p class="legend">${
    outcomes.filter((o) => ORDER.includes(o) || rows.some((r) => r.outcome === o)).map((o) =>
      html`<span><i style="background:${OUTCOME_COLOURS[o] ?? "#6a1b9a"}"></i>${o}</span> `
    )
  }</p>`;
}
