// The production-mode chaos report as a two-column table.
import { ReportTable, settleRow, sumCounts } from "../common/table.ts";
import type { ProductionChaosReport } from "./harness.ts";

export function formatProductionReport(r: ProductionChaosReport): string {
  return new ReportTable()
    .add(
      ["mode", "production (ledger-only, delivery guard)"],
      ["seed", r.seed],
      ["faults phase", `${Math.round(r.durationMs / 1000)} s`],
      ["runs (all outcomes)", sumCounts(r.runs)],
    )
    .section("runs by outcome", r.runs)
    .faultsAndFeed(r)
    .section("run counts (summed)", r.counts)
    .add(
      settleRow(r.settled),
      ["pushes due during the run", r.expectedDeliveries],
      ["deliveries", r.deliveries],
      ["aborted by the guard", r.aborted],
      ["unresolvable", r.unresolvable],
      [
        "unknown rows after a crash",
        Object.entries(r.unknownAfterCrash).map(([job, c]) =>
          `${job}: max ${c.max} over ${c.crashes} killed runs (bound ${c.bound}${
            c.inexact ? `; ${c.inexact} counted late, a lower bound` : ""
          })`
        ).join("; "),
      ],
      ["invariant violations", r.violations.length],
    )
    .render(r.violations);
}
