// npm run mutants [-- --list] [-- --only <id>[,<id>...]] [-- --keep]
//
// Mutation testing of the guards listed in dev/mutants/mutants.ts. For each
// mutant, one at a time (two cores; each run starts its own embedded Postgres
// and servers): copy the working tree (tracked and untracked files that git
// does not ignore) into a temporary directory, symlink node_modules, apply the
// one edit, run the mutant's test files with vitest there, and record whether
// a test failed (killed) or all passed (survived). The repository itself is
// never written to.
//
// A kill only counts when the killing test passes without the mutation, so at
// the end every test file credited with a kill is run once on an unmutated
// copy; a kill by a test that fails anyway is reported as unreliable.
//
// Exit status: 0 only when every selected mutant is killed reliably, apart
// from those marked `expect: "equivalent"` (no test can observe them; their
// reason is in the list), which may survive and are left out of the score. --list
// only validates the list (every `find` occurs exactly once, every test file
// exists, every `-- Guard` banner of the migrations is covered) and exits 1 on
// any problem.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Mutant, mutants as allMutants } from "./mutants.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** A mutant whose tests take longer than this is stopped and reported as a timeout. */
const RUN_TIMEOUT_MS = 20 * 60_000;

interface Options {
  list: boolean;
  only: string[];
  keep: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { list: false, only: [], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--list") options.list = true;
    else if (arg === "--keep") options.keep = true;
    else if (arg === "--only") {
      const value = argv[++i];
      if (!value) throw new Error("--only needs a mutant id (or several, comma-separated)");
      options.only.push(...value.split(",").map((s) => s.trim()).filter(Boolean));
    } else if (arg.startsWith("--only=")) {
      options.only.push(...arg.slice("--only=".length).split(",").map((s) => s.trim()).filter(Boolean));
    } else throw new Error(`unknown argument ${arg} (use --list, --only <id>, --keep)`);
  }
  return options;
}

function occurrences(text: string, find: string): number {
  if (find.length === 0) return 0;
  let count = 0;
  for (let at = text.indexOf(find); at !== -1; at = text.indexOf(find, at + 1)) count++;
  return count;
}

interface Problem {
  id: string;
  problem: string;
}

/** Everything that makes the list unusable, without running anything. */
async function validate(mutants: Mutant[]): Promise<{ problems: Problem[]; uncovered: string[] }> {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  for (const m of mutants) {
    if (ids.has(m.id)) problems.push({ id: m.id, problem: "duplicate id" });
    ids.add(m.id);
    const path = join(repoRoot, m.file);
    if (!existsSync(path)) {
      problems.push({ id: m.id, problem: `file ${m.file} does not exist` });
    } else {
      const n = occurrences(await readFile(path, "utf8"), m.find);
      if (n !== 1) {
        problems.push({ id: m.id, problem: `text to mutate found ${n} times in ${m.file} (must be exactly once)` });
      }
    }
    if (m.find === m.replace) problems.push({ id: m.id, problem: "replace equals find: not a mutation" });
    if (m.tests.length === 0) problems.push({ id: m.id, problem: "no tests listed" });
    for (const t of m.tests) {
      if (!existsSync(join(repoRoot, t))) problems.push({ id: m.id, problem: `test file missing: ${t}` });
    }
  }
  // Every `-- Guard` banner in the migrations must be covered by some entry.
  const banners = mutants.map((m) => m.banner).filter((b): b is string => Boolean(b));
  const uncovered: string[] = [];
  const dir = join(repoRoot, "supabase/migrations");
  for (const name of (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort()) {
    const lines = (await readFile(join(dir, name), "utf8")).split("\n");
    lines.forEach((line, i) => {
      if (!/--\s*Guard\b/.test(line)) return;
      if (!banners.some((b) => line.includes(b))) {
        uncovered.push(`supabase/migrations/${name}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  for (const m of mutants) {
    if (!m.banner) continue;
    // A banner that no longer exists anywhere means the guard moved or was reworded.
    let found = false;
    for (const name of (await readdir(dir)).filter((f) => f.endsWith(".sql"))) {
      if ((await readFile(join(dir, name), "utf8")).includes(m.banner)) found = true;
    }
    if (!found) problems.push({ id: m.id, problem: `banner not found in supabase/migrations: "${m.banner}"` });
  }
  return { problems, uncovered };
}

/** Tracked files plus untracked ones git does not ignore: the tree as the developer sees it. */
function workingTreeFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    maxBuffer: 64 << 20,
  }).toString("utf8");
  return [...new Set(out.split("\0").filter(Boolean))].filter((f) => !f.startsWith("node_modules/"));
}

async function scratchCopy(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `mutant-${label.replace(/[^a-z0-9-]/gi, "_")}-`));
  for (const file of workingTreeFiles()) {
    const from = join(repoRoot, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet in the index
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await copyFile(from, join(dir, file));
  }
  await symlink(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

async function applyMutation(dir: string, m: Mutant): Promise<void> {
  const path = join(dir, m.file);
  const text = await readFile(path, "utf8");
  const n = occurrences(text, m.find);
  if (n !== 1) throw new Error(`${m.id}: text to mutate found ${n} times in ${m.file} (must be exactly once)`);
  await writeFile(path, text.replace(m.find, () => m.replace));
}

interface VitestRun {
  exitCode: number | null;
  timedOut: boolean;
  /** "file › test name" of each failed test, or "file (suite error: ...)" */
  failures: string[];
  passed: number;
  skipped: number;
  failedFiles: Set<string>;
  /** Output tail, for a run that produced no report. */
  tail: string;
}

interface JsonReport {
  numPassedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults?: Array<{ fullName?: string; title?: string; status: string }>;
  }>;
}

async function runVitest(dir: string, tests: string[]): Promise<VitestRun> {
  const reportPath = join(dir, ".mutant-report.json");
  const child = spawn(
    join(dir, "node_modules/.bin/vitest"),
    ["run", "--reporter=json", `--outputFile=${reportPath}`, ...tests],
    { cwd: dir, env: { ...process.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, "SIGKILL"); // the run's own process group: vitest, its workers, its servers
    } catch {
      // already gone
    }
  }, RUN_TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((res) => child.on("close", (code) => res(code)));
  clearTimeout(timer);

  const result: VitestRun = { exitCode, timedOut, failures: [], passed: 0, skipped: 0, failedFiles: new Set(), tail };
  if (!existsSync(reportPath)) return result;
  const report = JSON.parse(await readFile(reportPath, "utf8")) as JsonReport;
  result.passed = report.numPassedTests ?? 0;
  result.skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    const rel = relative(dir, file.name);
    const failed = (file.assertionResults ?? []).filter((a) => a.status === "failed");
    for (const a of failed) result.failures.push(`${rel} › ${a.fullName ?? a.title ?? "?"}`);
    if (file.status === "failed") {
      result.failedFiles.add(rel);
      if (failed.length === 0) result.failures.push(`${rel} (suite error: ${firstLine(file.message ?? "")})`);
    }
  }
  return result;
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "")?.trim().slice(0, 160) ?? "";
}

type Outcome = "killed" | "survived" | "equivalent" | "missing" | "timeout" | "error" | "unreliable";

interface Result {
  mutant: Mutant;
  outcome: Outcome;
  by: string;
  killers: Set<string>;
  /** Every failure of the run, "file › test", to credit a killer that passes unmutated. */
  failures: string[];
}

async function runMutant(m: Mutant, keep: boolean): Promise<Result> {
  const dir = await scratchCopy(m.id);
  try {
    try {
      await applyMutation(dir, m);
    } catch (e) {
      return { mutant: m, outcome: "missing", by: (e as Error).message, killers: new Set(), failures: [] };
    }
    const run = await runVitest(dir, m.tests);
    if (run.timedOut) {
      return {
        mutant: m,
        outcome: "timeout",
        by: `no answer in ${RUN_TIMEOUT_MS / 60_000} min`,
        killers: new Set(),
        failures: [],
      };
    }
    if (run.failures.length > 0) {
      return {
        mutant: m,
        outcome: "killed",
        by: describeKill(run.failures),
        killers: run.failedFiles,
        failures: run.failures,
      };
    }
    if (run.exitCode !== 0) {
      // No test failed but vitest did: the global setup (migrations) or the
      // collection failed. The suite is red, so it is a kill, but say how.
      const by = `run failed before any test: ${firstLine(lastError(run.tail))}`;
      return { mutant: m, outcome: "killed", by, killers: new Set(["(setup)"]), failures: [] };
    }
    if (run.passed === 0) {
      return {
        mutant: m,
        outcome: "error",
        by: `no test ran (${run.skipped} skipped)`,
        killers: new Set(),
        failures: [],
      };
    }
    const skipped = run.skipped > 0 ? ` (${run.skipped} skipped)` : "";
    return {
      mutant: m,
      outcome: m.expect === "equivalent" ? "equivalent" : "survived",
      by: `${run.passed} tests passed${skipped}`,
      killers: new Set(),
      failures: [],
    };
  } finally {
    if (keep) console.error(`  kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** "file stem › test name", and how many other tests failed. */
function describeKill(failures: string[]): string {
  const first = failures[0]!.replace(/^tests\//, "").replace(/\.test\.ts( ›|$)/, "$1");
  const more = failures.length > 1 ? ` (+${failures.length - 1} more)` : "";
  return (first.length > 150 ? `${first.slice(0, 147)}...` : first) + more;
}

function lastError(tail: string): string {
  const lines = tail.split("\n").filter((l) => /error/i.test(l));
  return lines[0] ?? tail.split("\n").filter(Boolean).slice(-1)[0] ?? "";
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  return [line(rows[0]!), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const unknown = options.only.filter((id) => !allMutants.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`no mutant with id ${unknown.join(", ")} (see --list)`);
  const selected = options.only.length > 0 ? allMutants.filter((m) => options.only.includes(m.id)) : allMutants;

  if (options.list) {
    const { problems, uncovered } = await validate(allMutants);
    const rows = [["id", "file", "expect", "tests", "status"]];
    for (const m of selected) {
      const mine = problems.filter((p) => p.id === m.id).map((p) => p.problem);
      rows.push([m.id, m.file, m.expect ?? "killed", String(m.tests.length), mine.length ? mine.join("; ") : "ok"]);
    }
    console.log(table(rows));
    if (uncovered.length > 0) {
      console.log(`\n${uncovered.length} -- Guard banner(s) covered by no mutant:`);
      for (const u of uncovered) console.log(`  ${u}`);
    }
    const bad = problems.length + uncovered.length;
    console.log(
      `\n${allMutants.length} mutants; ${problems.length} problem(s); ${uncovered.length} uncovered banner(s)`,
    );
    process.exitCode = bad > 0 ? 1 : 0;
    return;
  }

  const results: Result[] = [];
  for (const [i, m] of selected.entries()) {
    console.error(`[${i + 1}/${selected.length}] ${m.id}: ${m.tests.length} test file(s)`);
    const r = await runMutant(m, options.keep);
    console.error(`  ${r.outcome}: ${r.by}`);
    results.push(r);
  }

  // A kill is only evidence if the killing test passes on the unmutated tree.
  const killerFiles = [...new Set(results.flatMap((r) => [...r.killers]).filter((f) => f !== "(setup)"))];
  if (killerFiles.length > 0) {
    console.error(`baseline: ${killerFiles.length} killing test file(s) on the unmutated tree`);
    const dir = await scratchCopy("baseline");
    try {
      const base = await runVitest(dir, killerFiles);
      const red = base.timedOut || (base.exitCode !== 0 && base.failedFiles.size === 0)
        ? new Set(killerFiles)
        : base.failedFiles;
      for (const r of results) {
        if (r.outcome !== "killed") continue;
        if (r.killers.has("(setup)")) continue;
        const credible = r.failures.filter((f) => !red.has(f.split(" › ")[0]!.replace(/ \(suite error: .*$/, "")));
        if (credible.length > 0) r.by = describeKill(credible);
        else {
          r.outcome = "unreliable";
          r.by = `only tests that fail without the mutation too: ${describeKill(r.failures)}`;
        }
      }
    } finally {
      if (options.keep) console.error(`  kept ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    }
  }

  const rows = [["guard", "mutant", "result", "by"]];
  for (const r of results) rows.push([r.mutant.guard, r.mutant.id, r.outcome, r.by]);
  console.log(table(rows));
  const killed = results.filter((r) => r.outcome === "killed").length;
  const equivalent = results.filter((r) => r.outcome === "equivalent").length;
  const scored = results.length - equivalent;
  const pct = scored ? Math.round((killed / scored) * 100) : 0;
  const besides = equivalent ? `; ${equivalent} equivalent, not scored` : "";
  console.log(`\nscore: ${killed}/${scored} killed (${pct}%)${besides}`);
  for (const outcome of ["survived", "equivalent", "missing", "timeout", "error", "unreliable"] as const) {
    const ids = results.filter((r) => r.outcome === outcome).map((r) => r.mutant.id);
    if (ids.length > 0) console.log(`${outcome}: ${ids.join(", ")}`);
  }
  for (const r of results.filter((r) => r.outcome === "killed" && r.mutant.expect === "equivalent")) {
    console.log(`${r.mutant.id} is marked equivalent but was killed: drop the mark (${r.mutant.why ?? "no reason"})`);
  }
  process.exitCode = killed === scored ? 0 : 1;
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
