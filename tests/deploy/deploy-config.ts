// What `supabase functions deploy` deploys for each function, read the way the
// Supabase CLI reads it (supabase/cli, apps/cli-go):
//
// - Which functions: every supabase/functions/<slug>/index.ts plus every
//   [functions.<slug>] in config.toml (internal/functions/deploy/deploy.go,
//   GetFunctionSlugs).
// - Which import map: `import_map` from config.toml, resolved against the
//   supabase/ directory (pkg/config/config.go: filepath.Join(SupabaseDirPath,
//   function.ImportMap)); without one, the function's own deno.json, deno.jsonc
//   or import_map.json, else supabase/functions/import_map.json, else none
//   (deploy.go, GetFunctionConfig: "Precedence order: flag > config > fallback").
// - What is uploaded: the import map file itself, then every file reached by
//   walking relative imports from the entrypoint (pkg/function/deploy.go,
//   writeForm: importMap.LoadAsDeno(...uploadAsset), then WalkImportPaths).
//   Never package.json, never node_modules: npm: packages are resolved by the
//   bundler from the registry.
// - How the map is read: the bundler takes the uploaded import map as a whole
//   Deno configuration file (supabase/edge-runtime cli/src/main.rs, `bundle`:
//   builder.set_config(Some(ConfigMode::Path(path)))), so any setting in it
//   applies there too: "nodeModulesDir": "manual" makes it look for every npm:
//   package in a node_modules folder that was never uploaded.
//
// config.toml is read with a deliberately small reader: only the [functions.*]
// tables matter here, and a line in them it does not understand is an error
// rather than a silent default.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "../../dev/postgres.ts";

export interface DeployedFunction {
  name: string;
  /** Repo-relative entrypoint (supabase/functions/<name>/index.ts by default). */
  entrypoint: string;
  /** Repo-relative import map the deploy uploads and bundles with, if any. */
  importMap: string | undefined;
  verifyJwt: boolean;
}

type FunctionTable = Record<string, string | boolean>;

/** The [functions.<name>] tables of supabase/config.toml. */
export function configFunctionTables(
  toml = readFileSync(join(repoRoot, "supabase/config.toml"), "utf8"),
): Map<string, FunctionTable> {
  const tables = new Map<string, FunctionTable>();
  let current: FunctionTable | undefined;
  toml.split("\n").forEach((raw, i) => {
    const line = raw.replace(/^\s+|\s+$/g, "");
    if (line === "" || line.startsWith("#")) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const fn = /^functions\.("?)([A-Za-z0-9_-]+)\1$/.exec(header[1]!);
      current = fn ? {} : undefined;
      if (fn) tables.set(fn[2]!, current!);
      return;
    }
    if (current === undefined) return;
    const kv = /^([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|(true|false))\s*(?:#.*)?$/.exec(line);
    if (!kv) throw new Error(`supabase/config.toml line ${i + 1}: cannot read "${line}" in a [functions.*] table`);
    current[kv[1]!] = kv[2] !== undefined ? kv[2] : kv[3] === "true";
  });
  return tables;
}

const functionsDir = join(repoRoot, "supabase/functions");

/** Every function `supabase functions deploy` (no arguments) deploys, with its import map. */
export function deployedFunctions(): DeployedFunction[] {
  const tables = configFunctionTables();
  const slugs = new Set(
    readdirSync(functionsDir, { withFileTypes: true })
      .filter((d) =>
        d.isDirectory() && /^[A-Za-z][A-Za-z0-9_-]*$/.test(d.name) && existsSync(join(functionsDir, d.name, "index.ts"))
      )
      .map((d) => d.name),
  );
  for (const slug of tables.keys()) slugs.add(slug);
  return [...slugs].sort().map((name) => {
    const table = tables.get(name) ?? {};
    const dir = join("supabase/functions", name);
    const entrypoint = typeof table.entrypoint === "string"
      ? relative(repoRoot, join(repoRoot, "supabase", table.entrypoint))
      : join(dir, "index.ts");
    let importMap: string | undefined;
    if (typeof table.import_map === "string") {
      importMap = relative(repoRoot, join(repoRoot, "supabase", table.import_map));
    } else {
      importMap = [
        join(dir, "deno.json"),
        join(dir, "deno.jsonc"),
        join(dir, "import_map.json"),
        "supabase/functions/import_map.json",
      ].find((p) => existsSync(join(repoRoot, p)));
    }
    // Without a config entry the CLI deploys with verify_jwt on (GetFunctionConfig).
    return { name, entrypoint, importMap, verifyJwt: table.verify_jwt !== false };
  });
}
