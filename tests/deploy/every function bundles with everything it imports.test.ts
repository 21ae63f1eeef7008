// Each edge function, bundled into the eszip that Supabase deploys, from only
// the files `supabase functions deploy` uploads (see ./bundle.ts for what that
// is and why). A function that imports a file the deploy would leave behind
// fails here instead of in production.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";
import { bundle, entryUrl, ownModules, repoPath } from "./bundle.ts";
import { deployedFunctions } from "./deploy-config.ts";

const functionsDir = join(repoRoot, "supabase/functions");
const deployed = deployedFunctions();
const functionNames = deployed.map((f) => f.name);
const importMapOf = (name: string) => {
  const map = deployed.find((f) => f.name === name)?.importMap;
  if (map === undefined) throw new Error(`${name} has no import map: give it import_map in supabase/config.toml`);
  return map;
};
const importMapUrl = (name: string) => pathToFileURL(join(repoRoot, importMapOf(name))).href;

it("finds the project's edge functions", () => {
  expect(functionNames).toEqual(expect.arrayContaining(["braze-scheduler", "delete-user", "resend-webhook"]));
});

describe.each(functionNames)("%s", (name) => {
  it("bundles every module it runs, from supabase/ and src/ only", async () => {
    const entry = entryUrl(name);
    const [built, graph] = await Promise.all([bundle(entry, importMapOf(name)), ownModules(entry)]);

    // The graph reaches into src/shared/, so a bundle of index.ts alone would fail this.
    expect(graph.runtime.some((s) => repoPath(s)!.startsWith("src/shared/"))).toBe(true);
    const missing = graph.runtime.filter((s) => !built.specifiers.includes(s)).map(repoPath);
    expect(missing, `modules ${name} runs that its bundle lacks`).toEqual([]);
    // Type-only imports are erased from the bundle, but the deploy still uploads
    // what they name, so they too must live where it looks.
    for (const s of graph.all) expect(repoPath(s), s).toMatch(/^(supabase|src)\//);

    for (const specifier of built.specifiers) {
      if (specifier === importMapUrl(name)) continue;
      const rel = repoPath(specifier);
      expect(rel, specifier).toMatch(/^(supabase|src)\//);
      // The bundle holds each module transpiled to JavaScript, never an empty stub.
      expect((await built.source(specifier)).trim(), rel).not.toBe("");
    }
  });
});

describe("the bundle check itself", () => {
  const fixture = pathToFileURL(join(functionsDir, "fixture-not-on-disk/index.ts")).href;

  it("fails a function that imports from outside supabase/ and src/, which the deploy would not upload", async () => {
    const source =
      `import { freePort } from "../../../dev/ports.ts";\nexport default { fetch: async () => new Response(String(await freePort())) };\n`;
    await expect(bundle(fixture, importMapOf("braze-scheduler"), { [fixture]: source })).rejects.toThrow(
      /dev\/ports\.ts is outside supabase\/ and src\//,
    );
  });

  it("fails a function that imports a file that does not exist, which the deploy would only warn about", async () => {
    const source =
      `import { gone } from "../../../src/shared/no-such-module.ts";\nexport default { fetch: () => new Response(gone) };\n`;
    await expect(bundle(fixture, importMapOf("braze-scheduler"), { [fixture]: source })).rejects.toThrow(
      /src\/shared\/no-such-module\.ts is imported but cannot be read/,
    );
  });

  it("resolves bare package names through the deploy import map and leaves npm: packages external", async () => {
    const source =
      `import { z } from "zod";\nimport { randomUUID } from "node:crypto";\nexport default { fetch: () => new Response(z.string().parse(randomUUID())) };\n`;
    const built = await bundle(fixture, importMapOf("braze-scheduler"), { [fixture]: source });
    expect(built.specifiers.filter((s) => s !== importMapUrl("braze-scheduler"))).toEqual([fixture]);
  });
});
