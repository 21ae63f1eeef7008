// A function as the hosted platform gets it: only what `supabase functions
// deploy` uploads (supabase/, src/ and the import map named in config.toml;
// see ./deploy-config.ts), in an empty folder with no package.json and no
// node_modules, resolved from the npm registry by the Deno the Edge Runtime
// embeds (the project's pinned deno) into a DENO_DIR that starts empty, then
// served the way the Edge Runtime serves it: the module's default export is
// the request handler (supabase/edge-runtime ext/runtime/js/bootstrap.js,
// `if (ObjectHasOwn(main, "default")) registerDeclarativeServer(main.default)`),
// which is what `deno serve` does.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { localConfig } from "../../dev/config.ts";
import { freePort } from "../../dev/ports.ts";
import { repoRoot } from "../../dev/postgres.ts";
import type { DeployedFunction } from "./deploy-config.ts";

const run = promisify(execFile);
export const deno = join(repoRoot, "node_modules/.bin/deno");

/** The environment Deno itself needs; the function sees nothing of the test's own. */
function denoEnv(denoDir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? tmpdir(),
    DENO_DIR: denoDir,
    // Deno bundles its own root certificates; trust the machine's store as well,
    // so a registry reached through a TLS-inspecting proxy still verifies.
    DENO_TLS_CA_STORE: "system",
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    ...(process.env.NPM_CONFIG_REGISTRY ? { NPM_CONFIG_REGISTRY: process.env.NPM_CONFIG_REGISTRY } : {}),
  };
}

/**
 * The function's secrets as the README lists them, with every service address
 * pointed at a closed port: a function that reaches out before it has
 * authenticated its caller answers 5xx here, not 401.
 */
export function hostedFunctionEnv(): Record<string, string> {
  const env: Record<string, string> = { ...localConfig().functionEnv };
  for (const [name, value] of Object.entries(env)) {
    if (/^https?:\/\//.test(value)) env[name] = "http://127.0.0.1:9";
    else if (/^postgres(ql)?:\/\//.test(value)) env[name] = "postgresql://postgres:postgres@127.0.0.1:9/postgres";
  }
  return env;
}

/**
 * Copies what the deploy uploads into an empty folder. `importMapContent`
 * replaces the import map's content (to show what an unusable map does).
 */
export async function uploadTree(fn: DeployedFunction, importMapContent?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `deploy-${fn.name}-`));
  await cp(join(repoRoot, "supabase"), join(dir, "supabase"), {
    recursive: true,
    filter: (src) => !src.includes("/.temp"),
  });
  await cp(join(repoRoot, "src"), join(dir, "src"), { recursive: true });
  if (fn.importMap !== undefined) {
    await mkdir(dirname(join(dir, fn.importMap)), { recursive: true });
    await writeFile(
      join(dir, fn.importMap),
      importMapContent ?? (await readFile(join(repoRoot, fn.importMap), "utf8")),
    );
  }
  return dir;
}

function configArgs(fn: DeployedFunction): string[] {
  return fn.importMap !== undefined ? ["--config", fn.importMap] : ["--no-config"];
}

export type DeployResult =
  | { stage: "resolve"; output: string }
  | { stage: "start"; output: string }
  | { stage: "answered"; method: string; status: number; body: string; output: string };

/**
 * Resolves the uploaded tree into `denoDir` (shared between calls, so the
 * registry is read once per test run), serves it, and sends one request
 * without credentials: POST with an empty JSON object, or GET for a function
 * that answers POST with 405.
 */
export async function deployAndCall(fn: DeployedFunction, dir: string, denoDir: string): Promise<DeployResult> {
  const env = denoEnv(denoDir);
  try {
    await run(deno, ["cache", "--quiet", ...configArgs(fn), fn.entrypoint], {
      cwd: dir,
      env,
      maxBuffer: 16 << 20,
      timeout: 240_000,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { stage: "resolve", output: `${err.stdout ?? ""}${err.stderr ?? ""}` || err.message };
  }

  const port = await freePort();
  // The hosted worker may read its environment and open connections; it gets
  // no other permission here either, and nothing may be fetched at start-up
  // (--cached-only): everything was resolved above, as the bundle holds it.
  const child: ChildProcess = spawn(
    deno,
    [
      "serve",
      "--cached-only",
      "--no-prompt",
      "--allow-env",
      "--allow-net",
      ...configArgs(fn),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      fn.entrypoint,
    ],
    // Its own process group: node_modules/.bin/deno is npm's Node wrapper, which
    // runs the real binary as a child, so a signal to the wrapper alone would
    // leave the server running after the test (seen: one orphaned server per
    // function after every full run).
    { cwd: dir, env: { ...env, ...hostedFunctionEnv() }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  try {
    const started = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 60_000);
      const check = () => {
        if (output.includes("Listening on")) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout!.on("data", check);
      child.stderr!.on("data", check);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!started) return { stage: "start", output };

    const url = `http://127.0.0.1:${port}/functions/v1/${fn.name}`;
    let method = "POST";
    let res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: "{}" });
    if (res.status === 405) {
      await res.body?.cancel();
      method = "GET";
      res = await fetch(url);
    }
    return { stage: "answered", method, status: res.status, body: await res.text(), output };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    }
  }
}
