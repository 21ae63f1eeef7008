// Builds an edge function's deployable bundle the way `supabase functions
// deploy` does: an eszip (the format the Supabase edge runtime loads) of the
// module graph from supabase/functions/<name>/index.ts, with the import map
// config.toml names for it, built from only the files the deploy uploads.
//
// What the CLI uploads (supabase/cli internal/functions/deploy, read for this
// test): with server-side bundling (`--use-api`, and whenever Docker is not
// running) it uploads the import map, any `static_files`, and the files it finds
// by walking relative imports from the entrypoint, resolved inside the project
// directory; a path that climbs above it fails ("invalid argument",
// supabase/cli#3467) and a file it cannot find is only a WARNING, so the
// function deploys and then fails at run time. The Docker bundler instead
// mounts supabase/functions/ plus local paths named in the import map, so an
// import of ../../../src/shared/... only bundles there if the import map covers
// src/ (supabase/cli#1016, #1028). npm: packages are not uploaded: the runtime
// resolves them from the registry.
//
// So this loader serves files from supabase/ and src/ only, treats npm: and
// node: as external, and refuses anything else, naming the importing path.
import { build, type LoadResponse, Parser } from "@deno/eszip";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { repoRoot } from "../../dev/postgres.ts";

const run = promisify(execFile);
const DEPLOYED_DIRS = ["supabase/", "src/"];

export function entryUrl(functionName: string): string {
  return pathToFileURL(`${repoRoot}/supabase/functions/${functionName}/index.ts`).href;
}

/** Repo-relative path of a file:// specifier inside the repo, else undefined. */
export function repoPath(specifier: string): string | undefined {
  if (!specifier.startsWith("file://")) return undefined;
  const rel = relative(repoRoot, fileURLToPath(specifier));
  return rel.startsWith("..") ? undefined : rel;
}

/**
 * The deploy's view of the file system. `virtual` serves in-memory modules by
 * specifier, so a test can bundle a fixture function without writing one.
 */
export function deployLoader(importMapUrl: string, virtual: Record<string, string> = {}) {
  return async (specifier: string): Promise<LoadResponse> => {
    if (specifier in virtual) return { kind: "module", specifier, content: virtual[specifier]! };
    if (specifier.startsWith("npm:") || specifier.startsWith("node:")) return { kind: "external", specifier };
    if (specifier === importMapUrl) {
      return { kind: "module", specifier, content: await readFile(fileURLToPath(specifier), "utf8") };
    }
    const rel = repoPath(specifier);
    if (rel === undefined) {
      throw new Error(
        `${specifier} is not a file in this repository: import packages by bare name, pinned to npm: in the import map`,
      );
    }
    if (!DEPLOYED_DIRS.some((dir) => rel.startsWith(dir))) {
      throw new Error(`${rel} is outside supabase/ and src/, so \`supabase functions deploy\` would not upload it`);
    }
    try {
      return { kind: "module", specifier, content: await readFile(fileURLToPath(specifier), "utf8") };
    } catch (e) {
      throw new Error(
        `${rel} is imported but cannot be read (${
          (e as Error).message
        }); the deploy would only warn and ship a broken function`,
      );
    }
  };
}

export interface Bundle {
  bytes: Uint8Array;
  /** Every module specifier the eszip holds (the import map included). */
  specifiers: string[];
  source(specifier: string): Promise<string>;
}

/** `importMap`: repo-relative path of the function's import map (see ./deploy-config.ts). */
export async function bundle(entry: string, importMap: string, virtual: Record<string, string> = {}): Promise<Bundle> {
  const importMapUrl = pathToFileURL(`${repoRoot}/${importMap}`).href;
  const bytes = await build([entry], deployLoader(importMapUrl, virtual), importMapUrl);
  const parser = await Parser.createInstance();
  const specifiers = (await parser.parseBytes(bytes)) as string[];
  await parser.load();
  return { bytes, specifiers, source: async (s) => String(await parser.getModuleSource(s)) };
}

interface DenoInfo {
  roots: string[];
  modules: { specifier: string; dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[] }[];
}

export interface OwnModules {
  /** Modules the function runs: reached from index.ts through value imports. */
  runtime: string[];
  /** Also those reached only through `import type`, which the bundle may leave out. */
  all: string[];
}

/**
 * The function's own modules as real Deno resolves them (`deno info`, reading
 * deno.json like the local functions server does): modules in the repository, npm packages in
 * node_modules left out.
 */
export async function ownModules(entry: string): Promise<OwnModules> {
  const deno = `${repoRoot}/node_modules/.bin/deno`;
  const { stdout } = await run(deno, ["info", "--json", fileURLToPath(entry)], {
    cwd: repoRoot,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    maxBuffer: 64 << 20,
  });
  const info = JSON.parse(stdout) as DenoInfo;
  const own = (s: string) => {
    const rel = repoPath(s);
    return rel !== undefined && !rel.startsWith("node_modules/");
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const runtime = new Set<string>();
  const queue = [...info.roots];
  while (queue.length > 0) {
    const s = queue.pop()!;
    if (runtime.has(s) || !own(s)) continue;
    runtime.add(s);
    for (const dep of bySpecifier.get(s)?.dependencies ?? []) if (dep.code) queue.push(dep.code.specifier);
  }
  return { runtime: [...runtime].sort(), all: info.modules.map((m) => m.specifier).filter(own).sort() };
}
