// The chaos reports' two-column table (name, value), shared by the listing-mode
// and production-mode Braze reports so both print alike.

export type Row = [string, string | number];

export class ReportTable {
  private readonly rows: Row[] = [];

  add(...rows: Row[]): this {
    this.rows.push(...rows);
    return this;
  }

  /** A titled block of counts, one indented row per key in key order. */
  section(title: string, counts: Record<string, number>): this {
    this.rows.push([title, ""]);
    for (const [k, n] of Object.entries(counts).sort()) this.rows.push([`  ${k}`, n]);
    return this;
  }

  /** The fault and feed rows every Braze chaos report carries, in the same order. */
  faultsAndFeed(r: {
    runnersKilled: number;
    faultsTotal: number;
    faults: Record<string, number>;
    feedChanges: Record<string, number>;
  }): this {
    return this.add(["runners killed", r.runnersKilled], ["faults injected (total)", r.faultsTotal])
      .section("faults by kind", r.faults)
      .section("feed changes", r.feedChanges);
  }

  /** The rows with values aligned, then one line per invariant violation. */
  render(violations: string[]): string {
    const width = Math.max(...this.rows.map(([k]) => k.length));
    const lines = this.rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
    for (const v of violations) lines.push(`  VIOLATION ${v}`);
    return lines.join("\n");
  }
}

export const sumCounts = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

export const settleRow = (s: { rounds: number; converged: boolean }): Row => [
  "settle rounds",
  `${s.rounds}${s.converged ? "" : " (not converged)"}`,
];
