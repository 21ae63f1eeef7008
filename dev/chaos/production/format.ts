// The production-mode chaos report as a two-column table.
import type { ProductionChaosReport } from "./harness.ts";

export function formatProductionReport(r: ProductionChaosReport): string {
  const rows: [string, string | number][] = [];
  const section = (title: string, counts: Record<string, number>) => {
    rows.push([title, ""]);
    for (const [k, n] of Object.entries(counts).sort()) rows.push([`  ${k}`, n]);
  };
  const totalRuns = Object.values(r.runs).reduce((a, b) => a + b, 0);
  rows.push(
    ["mode", "production (ledger-only, delivery guard)"],
    ["seed", r.seed],
    ["faults phase", `${Math.round(r.durationMs / 1000)} s`],
    ["runs (all outcomes)", totalRuns],
  );
  section("runs by outcome", r.runs);
  rows.push(["runners killed", r.runnersKilled], ["faults injected (total)", r.faultsTotal]);
  section("faults by kind", r.faults);
  section("feed changes", r.feedChanges);
  section("run counts (summed)", r.counts);
  rows.push(
    ["settle rounds", `${r.settled.rounds}${r.settled.converged ? "" : " (not converged)"}`],
    ["pushes due during the run", r.expectedDeliveries],
    ["deliveries", r.deliveries],
    ["aborted by the guard", r.aborted],
    ["unresolvable", r.unresolvable],
    [
      "unknown rows after a crash",
      `max ${r.unknownAfterCrash.max} over ${r.unknownAfterCrash.crashes} killed scheduler runs (bound ${r.unknownAfterCrash.bound})`,
    ],
    ["invariant violations", r.violations.length],
  );
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const v of r.violations) lines.push(`  VIOLATION ${v}`);
  return lines.join("\n");
}
