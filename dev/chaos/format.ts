// The chaos report as a two-column table, for the CLI and for test failure messages.
import type { ChaosReport } from "./harness.ts";

export function formatReport(r: ChaosReport): string {
  const rows: [string, string | number][] = [];
  const section = (title: string, counts: Record<string, number>) => {
    rows.push([title, ""]);
    for (const [k, n] of Object.entries(counts).sort()) rows.push([`  ${k}`, n]);
  };
  const totalRuns = Object.values(r.runs).reduce((a, b) => a + b, 0);
  rows.push(["seed", r.seed], ["duration", `${Math.round(r.durationMs / 1000)} s`], ["runs (all outcomes)", totalRuns]);
  section("runs by outcome", r.runs);
  rows.push(["runners killed", r.runnersKilled], ["faults injected (total)", r.faultsTotal]);
  section("faults by kind", r.faults);
  section("feed changes", r.feedChanges);
  rows.push(
    ["settle rounds", `${r.settled.rounds}${r.settled.converged ? "" : " (not converged)"}`],
    ["upcoming matches checked", r.expectedMatches],
    ["notifications fired", r.fired],
    ["invariant violations", r.violations.length],
  );
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const v of r.violations) lines.push(`  VIOLATION ${v}`);
  return lines.join("\n");
}
