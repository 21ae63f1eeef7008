// A laptop without Debian's PostgreSQL 15 + pg_cron: a tests/cron/ file that
// needs them must be skipped with one line naming the package and the install
// command, and vitest must pass; with CI=true the same file must fail, naming
// what is missing. The machine is played by SYSTEM_PACKAGES_ROOT pointing at
// an empty directory (tests/support/system-packages.ts looks every package
// file up under it), and the file is run by a child vitest with the project's
// own configuration, as `npm test` runs it.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";
import { CHROMIUM, PG15_WITH_CRON, systemPackagesDecision } from "../support/system-packages.ts";

const FILE =
  "tests/cron/every scheduled call waits for its function longer than the platform lets a function take to answer.test.ts";
let empty: string;

beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), "no-system-packages-"));
});
afterAll(async () => {
  await rm(empty, { recursive: true, force: true });
});

/** The child's environment: ours minus what marks a vitest worker, plus `extra`. */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("VITEST") || k === "TEST" || k === "CI") continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: "1", FORCE_COLOR: "0", ...extra };
}

function vitest(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      join(repoRoot, "node_modules/.bin/vitest"),
      ["run", FILE],
      { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

it("decides per package: run when installed or required by CI, skip with one line per missing package otherwise", () => {
  const missing = { SYSTEM_PACKAGES_ROOT: empty };
  expect(systemPackagesDecision([PG15_WITH_CRON, CHROMIUM], missing)).toEqual({
    run: false,
    lines: [
      `skipped: needs postgresql-15 postgresql-15-cron (missing ${empty}/usr/lib/postgresql/15/bin/postgres, ${empty}/usr/lib/postgresql/15/lib/pg_cron.so); install with: sudo apt-get install -y postgresql-15 postgresql-15-cron (or: sudo bash dev/system-packages.sh)`,
      `skipped: needs chromium (missing ${empty}/usr/bin/chromium); install with: sudo apt-get install -y chromium (or: sudo bash dev/system-packages.sh)`,
    ],
  });
  expect(systemPackagesDecision([PG15_WITH_CRON], { ...missing, CI: "true" })).toEqual({ run: true });
  expect(systemPackagesDecision([], missing)).toEqual({ run: true });
});

it("skips the file with one line and passes outside CI", async () => {
  const { code, output } = await vitest(childEnv({ SYSTEM_PACKAGES_ROOT: empty }));
  expect(output).toMatch(/Tests\s+3 skipped \(3\)/);
  expect(output.match(/skipped: needs postgresql-15 postgresql-15-cron/g)).toHaveLength(1);
  expect(output).toContain("install with: sudo apt-get install -y postgresql-15 postgresql-15-cron");
  expect(code).toBe(0);
}, 240_000);

it("fails the file under CI=true, naming the missing PostgreSQL 15", async () => {
  const { code, output } = await vitest(childEnv({ SYSTEM_PACKAGES_ROOT: empty, CI: "true" }));
  expect(output).toContain(
    `PostgreSQL 15 (package postgresql-15) is not installed: ${empty}/usr/lib/postgresql/15/bin/postgres is missing`,
  );
  expect(output).not.toContain("skipped: needs");
  expect(code).not.toBe(0);
}, 240_000);
