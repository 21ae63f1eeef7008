// `npm run check`, second half: type-check every edge function and the Deno
// functions server with Deno itself, the runtime they deploy to.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./postgres.ts";

const functionsDir = join(repoRoot, "supabase/functions");
const entries = readdirSync(functionsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(functionsDir, d.name, "index.ts")))
  .map((d) => join("supabase/functions", d.name, "index.ts"));
const files = [...entries, "dev/functions-server.ts"];
execFileSync(join(repoRoot, "node_modules/.bin/deno"), ["check", "--quiet", ...files], {
  cwd: repoRoot,
  stdio: "inherit",
});
console.log(`deno check: ${files.length} files ok`);
