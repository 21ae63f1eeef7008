// The hosted Edge Runtime embeds one Deno release, and the functions must run
// there: supabase/edge-runtime deno/Cargo.toml declares `version = "2.1.4"`
// (its user agent reads "Deno/<that> (variant; SupabaseEdgeRuntime/...)",
// deno/versions.rs). The project pins that release (package.json, devDependency
// deno) and runs the local functions server, the e2e tests (through
// tests/support/functions.ts) and `deno check` (dev/deno-check.ts) with it, so
// code that only a newer Deno accepts fails here rather than once deployed.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";
import { serveFunctions } from "../support/functions.ts";

const EDGE_RUNTIME_DENO = "2.1.4";
const run = promisify(execFile);

it("pins, installs and serves the functions with the hosted runtime's Deno", { timeout: 120_000 }, async () => {
  const pkg = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  expect(pkg.devDependencies.deno).toBe(EDGE_RUNTIME_DENO);

  const { stdout } = await run(join(repoRoot, "node_modules/.bin/deno"), ["--version"], {
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
  });
  expect(stdout.split("\n")[0]).toMatch(new RegExp(`^deno ${EDGE_RUNTIME_DENO.replaceAll(".", "\\.")} `));

  const served = await serveFunctions({});
  try {
    expect(served.output()).toContain(`with deno ${EDGE_RUNTIME_DENO} `);
  } finally {
    await served.close();
  }
});
