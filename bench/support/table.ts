// A plain, aligned text table.
import type { Measurement } from "./measure.ts";

const COLUMNS: [string, (m: Measurement) => string][] = [
  ["variant", (m) => m.variant],
  ["matches", (m) => String(m.matches)],
  ["wall time (s)", (m) => m.wallSeconds.toFixed(2)],
  ["Braze calls", (m) => String(m.brazeCalls)],
  ["Braze 429s", (m) => String(m.braze429s)],
  ["DB round trips", (m) => String(m.dbRoundTrips)],
  ["peak RSS (MB)", (m) => m.peakRssMb.toFixed(0)],
  ["outcome", (m) => m.outcome],
];

export function formatTable(rows: Measurement[]): string {
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  const render = (line: string[]) => line.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ").trimEnd();
  return [render(cells[0]!), widths.map((w) => "-".repeat(w)).join("-|-"), ...cells.slice(1).map(render)].join("\n");
}
