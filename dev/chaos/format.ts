// The chaos report as a two-column table, for the CLI and for test failure messages.
import type { ChaosReport } from "./harness.ts";
import { ReportTable, settleRow, sumCounts } from "./common/table.ts";

export function formatReport(r: ChaosReport): string {
  return new ReportTable()
    .add(["seed", r.seed], ["duration", `${Math.round(r.durationMs / 1000)} s`], [
      "runs (all outcomes)",
      sumCounts(r.runs),
    ])
    .section("runs by outcome", r.runs)
    .faultsAndFeed(r)
    .add(
      settleRow(r.settled),
      ["upcoming matches checked", r.expectedMatches],
      ["notifications fired", r.fired],
      ["invariant violations", r.violations.length],
    )
    .render(r.violations);
}
