// Deploy equivalence: each function built from only what `supabase functions
// deploy` uploads, in an empty folder with no package.json and no
// node_modules, resolved from the registry into an empty DENO_DIR by the Deno
// the hosted Edge Runtime embeds, then served and called once without
// credentials. It must answer 401: a function that cannot resolve or start
// would fail here the way it fails on the platform (see ./hosted-deploy.ts
// and ./deploy-config.ts for what is uploaded and how it is read).
//
// The first function pays for the registry downloads (a few seconds); the
// rest reuse the run's DENO_DIR.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";
import { deployedFunctions } from "./deploy-config.ts";
import { deployAndCall, uploadTree } from "./hosted-deploy.ts";

const functions = deployedFunctions();
let denoDir: string;
const trees: string[] = [];

beforeAll(async () => {
  denoDir = await mkdtemp(join(tmpdir(), "deploy-deno-dir-"));
});
afterAll(async () => {
  await Promise.all([denoDir, ...trees].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
});

it("finds the project's edge functions", () => {
  expect(functions.map((f) => f.name)).toEqual(
    expect.arrayContaining(["braze-scheduler", "delete-user", "resend-webhook"]),
  );
});

describe.each(functions)("$name", (fn) => {
  it(
    "resolves from the registry with only the uploaded files, starts, and answers 401 to a caller without credentials",
    { timeout: 300_000 },
    async () => {
      const tree = await uploadTree(fn);
      trees.push(tree);
      const result = await deployAndCall(fn, tree, denoDir);

      expect(result.stage, result.output).toBe("answered");
      if (result.stage !== "answered") return;
      expect(result.status, `${result.method} answered ${result.status}: ${result.body}\n${result.output}`).toBe(401);
    },
  );
});

describe("the deploy check itself", () => {
  it("fails to resolve a function whose import map sets nodeModulesDir, as the root deno.json does", {
    timeout: 300_000,
  }, async () => {
    const fn = functions.find((f) => f.name === "braze-scheduler")!;
    const local = JSON.parse(await readFile(join(repoRoot, "deno.json"), "utf8")) as { nodeModulesDir?: string };
    const deployMap = JSON.parse(await readFile(join(repoRoot, fn.importMap!), "utf8")) as {
      imports: Record<string, string>;
    };
    expect(local.nodeModulesDir).toBe("manual");
    // The map the functions were deployed with before: the local config, imports inline.
    const localConfigAsMap = JSON.stringify({ ...local, importMap: undefined, imports: deployMap.imports });

    const tree = await uploadTree(fn, localConfigAsMap);
    trees.push(tree);
    const result = await deployAndCall(fn, tree, denoDir);

    expect(result.stage).toBe("resolve");
    expect(result.output).toMatch(/Could not find a matching package for 'npm:[^']+' in the node_modules directory/);
  });
});
