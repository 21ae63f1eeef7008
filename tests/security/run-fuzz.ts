// `npm run fuzz -- --runs N`: the hostile-request properties of tests/security
// (every "… answers 4xx to any malformed …" file) at N batches of 4 requests
// per endpoint instead of the 75 `npm test` runs, then one table: inputs per
// endpoint and the statuses they got. A property that sees a 5xx, a changed
// database or a called simulator fails its file, and this exits non-zero.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 75;
if (!Number.isInteger(runs) || runs < 1) {
  console.error("usage: npm run fuzz -- --runs <batches per endpoint, each of 4 requests>");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "fuzz-"));
const report = join(dir, "report.jsonl");
const started = process.hrtime.bigint();
const vitest = spawnSync("npx", [
  "vitest",
  "run",
  "tests/security/",
  "-t",
  "refuses every",
  "--testTimeout=0",
  "--hookTimeout=0",
], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_REPORT: report },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

type Row = { endpoint: string; sent: number; statuses: Record<string, number>; outside: boolean };
const rows: Row[] = existsSync(report)
  ? readFileSync(report, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l))
  : [];
rmSync(dir, { recursive: true, force: true });
rows.sort((a, b) => a.endpoint.localeCompare(b.endpoint));
const fivexx = (r: Row) => Object.entries(r.statuses).filter(([s]) => s.startsWith("5")).reduce((n, [, c]) => n + c, 0);
console.log(`\n| endpoint | inputs | answers by status | 5xx | database | outside services |`);
console.log(`|---|---:|---|---:|---|---|`);
for (const r of rows) {
  const statuses = Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(" ");
  console.log(
    `| ${r.endpoint} | ${r.sent} | ${statuses} | ${fivexx(r)} | unchanged | ${r.outside ? "unchanged" : "n/a"} |`,
  );
}
const total = rows.reduce((n, r) => n + r.sent, 0);
console.log(`| **all** | **${total}** | | **${rows.reduce((n, r) => n + fivexx(r), 0)}** | | |`);
console.log(
  `\n${runs} batches of 4 per endpoint, ${rows.length} endpoints, ${
    seconds.toFixed(0)
  } s; "none" = no answer to a request that breaks HTTP framing.`,
);
process.exit(vitest.status ?? 1);
