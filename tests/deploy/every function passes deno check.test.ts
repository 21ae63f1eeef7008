// The runtime the functions deploy to is Deno, and vitest's TypeScript is not
// Deno's: this runs `deno check` (dev/deno-check.ts, also `npm run check`) over
// every supabase/functions/*/index.ts with the repo's deno.json, so a type
// error Deno would refuse at deploy fails `npm test` first.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";

const run = promisify(execFile);

it("type-checks every edge function with Deno", { timeout: 300_000 }, async () => {
  const result = await run(join(repoRoot, "node_modules/.bin/tsx"), ["dev/deno-check.ts"], {
    cwd: repoRoot,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    maxBuffer: 16 << 20,
  }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`deno check failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  });
  expect(result.stdout).toMatch(/deno check: \d+ files ok/);
});
