// The markdown report of the broadcasts and delete-user chaos runs: the
// client's actions, the answers it got, the faults injected, a summary line,
// then the violations.
import { type Prng, prng, Tally } from "../prng.ts";

/** The seeded PRNG and the tallies such a run fills: actions taken, answers got, drives killed. */
export function clientChaosTallies(seed: number): { rng: Prng; actions: Tally; answers: Tally; kills: Tally } {
  return { rng: prng(seed), actions: new Tally(), answers: new Tally(), kills: new Tally() };
}

const rows = (o: Record<string, number>) => Object.entries(o).sort().map(([k, v]) => `| ${k} | ${v} |`).join("\n");

/** What every such run reports, whatever else its job adds. */
export interface ClientChaosReport {
  seed: number;
  seconds: number;
  actions: Record<string, number>;
  answers: Record<string, number>;
  faults: Record<string, number>;
  faultsTotal: number;
  settleRounds: number;
  violations: string[];
}

export function markdownReport(input: ClientChaosReport & { title: string; summary: string }): string {
  return [
    `## ${input.title}`,
    "",
    "| action | count |",
    "|---|---|",
    rows(input.actions),
    "",
    "| answer | count |",
    "|---|---|",
    rows(input.answers),
    "",
    "| fault | count |",
    "|---|---|",
    rows(input.faults),
    `| **total** | **${input.faultsTotal}** |`,
    "",
    input.summary,
    `violations: ${input.violations.length}`,
    ...input.violations.map((v) => `- ${v}`),
  ].join("\n");
}
