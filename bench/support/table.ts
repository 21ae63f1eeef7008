// A plain, aligned text table.
export function formatTable(header: string[], rows: string[][]): string {
  const cells = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? "").length)));
  const render = (line: string[]) => line.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ").trimEnd();
  return [render(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(render)].join("\n");
}
