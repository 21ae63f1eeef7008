// One source of truth for package versions. Three places name them: package.json
// (what vitest, tsx and the local Deno load from node_modules), the root
// deno.json (the local Deno's configuration; it resolves bare names through
// "importMap" and "imports") and the import map config.toml gives each function
// (what the deploy bundler resolves from the registry, reading it as a whole Deno
// configuration: see ./deploy-config.ts). If they disagree, the tests pass on one
// version and production runs another; if the deploy map carries a local
// setting such as nodeModulesDir, the deploy cannot resolve at all.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";
import { deployedFunctions } from "./deploy-config.ts";

type Json = Record<string, unknown>;
const readJson = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), "utf8")) as Json;

interface Sources {
  dependencies: Record<string, string>;
  /** Versions installed in node_modules, by package name. */
  installed: Record<string, string | undefined>;
  /** The root deno.json's resolved imports (its importMap file, then inline imports). */
  localImports: Record<string, string>;
  /** Each deploy import map by repo path. */
  deployMaps: Record<string, Json>;
}

/** Every way the sources disagree, in words; empty when they agree. */
function disagreements(s: Sources): string[] {
  const out: string[] = [];
  const exact = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
  for (const [name, version] of Object.entries(s.dependencies)) {
    if (!exact.test(version)) out.push(`package.json pins ${name} to "${version}", not an exact version`);
    if (s.installed[name] !== version) {
      out.push(`node_modules has ${name}@${s.installed[name] ?? "nothing"}, package.json ${version}`);
    }
  }
  const check = (where: string, imports: Record<string, string>) => {
    const named = new Set<string>();
    for (const [bare, target] of Object.entries(imports)) {
      const npm = /^npm:(@?[^@/]+(?:\/[^@/]+)?)@([^/]+)(\/.*)?$/.exec(target);
      if (!npm) {
        out.push(`${where} maps ${bare} to ${target}, not an npm: package at an exact version`);
        continue;
      }
      const [, name, version] = npm as unknown as [string, string, string];
      named.add(name);
      if (s.dependencies[name] === undefined) {
        out.push(`${where} maps ${bare} to ${name}, which package.json does not list`);
      } else if (s.dependencies[name] !== version) {
        out.push(`${where} has ${name}@${version}, package.json ${s.dependencies[name]}`);
      }
    }
    for (const name of Object.keys(s.dependencies)) {
      if (!named.has(name)) out.push(`${where} does not map ${name}, which package.json lists`);
    }
  };
  check("deno.json", s.localImports);
  for (const [path, map] of Object.entries(s.deployMaps)) {
    const extra = Object.keys(map).filter((k) => k !== "imports");
    if (extra.length > 0) {
      out.push(`${path} carries ${extra.join(", ")}: the deploy bundler would apply it; keep it a plain import map`);
    }
    check(path, (map.imports ?? {}) as Record<string, string>);
  }
  return out;
}

function projectSources(): Sources {
  const pkg = readJson("package.json") as { dependencies: Record<string, string> };
  const denoJson = readJson("deno.json") as { importMap?: string; imports?: Record<string, string> };
  const referenced = denoJson.importMap
    ? (readJson(join(dirname("deno.json"), denoJson.importMap)).imports as Record<string, string>)
    : {};
  const deployMaps: Record<string, Json> = {};
  for (const fn of deployedFunctions()) {
    if (fn.importMap === undefined) {
      throw new Error(`${fn.name} deploys without an import map: set import_map in supabase/config.toml`);
    }
    deployMaps[fn.importMap] ??= readJson(fn.importMap);
  }
  const installed: Record<string, string | undefined> = {};
  for (const name of Object.keys(pkg.dependencies)) {
    const manifest = join("node_modules", name, "package.json");
    installed[name] = existsSync(join(repoRoot, manifest)) ? (readJson(manifest).version as string) : undefined;
  }
  return {
    dependencies: pkg.dependencies,
    installed,
    localImports: { ...referenced, ...denoJson.imports },
    deployMaps,
  };
}

it("finds no disagreement between package.json, node_modules, deno.json and the deploy import maps", () => {
  const sources = projectSources();
  expect(Object.keys(sources.deployMaps).length).toBeGreaterThan(0);
  expect(disagreements(sources)).toEqual([]);
});

it("reports a bumped version, a missing package and a local setting in the deploy map", () => {
  const sources = projectSources();
  const [path, map] = Object.entries(sources.deployMaps)[0]!;
  const imports: Record<string, string> = { ...(map.imports as Record<string, string>), zod: "npm:zod@4.0.0" };
  delete imports.jose;
  const found = disagreements({ ...sources, deployMaps: { [path]: { nodeModulesDir: "manual", imports } } });
  expect(found).toEqual(
    expect.arrayContaining([
      `${path} carries nodeModulesDir: the deploy bundler would apply it; keep it a plain import map`,
      `${path} has zod@4.0.0, package.json ${sources.dependencies.zod}`,
      `${path} does not map jose, which package.json lists`,
    ]),
  );
});
