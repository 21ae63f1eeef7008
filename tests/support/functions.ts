// Serves every edge function with Deno for an e2e test, on a free port, with
// the environment the test gives (plus the local defaults).
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../dev/postgres.ts";
import { freePort } from "../../dev/ports.ts";

export interface ServedFunctions {
  url: (name: string) => string;
  close(): Promise<void>;
  output(): string;
}

export async function serveFunctions(env: Record<string, string>): Promise<ServedFunctions> {
  const port = await freePort();
  const deno = join(repoRoot, "node_modules/.bin/deno");
  const child: ChildProcess = spawn(deno, ["run", "--allow-all", "--quiet", "dev/functions-server.ts", "--port", String(port)], {
    cwd: repoRoot,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`functions did not start in 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes("functions ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`functions server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: (name) => `http://127.0.0.1:${port}/functions/v1/${name}`,
    output: () => output,
    async close() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
