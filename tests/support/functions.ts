// Serves every edge function with Deno for an e2e test, on a free port, with
// the environment the test gives (plus the local defaults). User tokens are
// verified as on a hosted project, against an Auth simulator (JWKS and
// /auth/v1/user): the one at AUTH_URL or AUTH_ADMIN_URL if the test has one,
// else one started here.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { LOCAL_ISSUER, LOCAL_JWT_SECRET } from "../../dev/mint-token.ts";
import { repoRoot } from "../../dev/postgres.ts";
import { freePort } from "../../dev/ports.ts";
import { startGoTrueSimulator } from "../../dev/sim/gotrue.ts";

export interface ServedFunctions {
  url: (name: string) => string;
  /** Where the functions verify user tokens (an Auth simulator unless the test chose). */
  authUrl: string;
  close(): Promise<void>;
  output(): string;
}

export async function serveFunctions(env: Record<string, string>): Promise<ServedFunctions> {
  const auth = env.AUTH_URL || env.AUTH_ADMIN_URL
    ? undefined
    : await startGoTrueSimulator({ port: 0, jwtSecret: env.SUPABASE_JWT_SECRET ?? LOCAL_JWT_SECRET });
  const authUrl = env.AUTH_URL ?? env.AUTH_ADMIN_URL ?? auth!.url;
  env = { SUPABASE_ANON_KEY: "local-anon-key", AUTH_JWT_ISSUER: LOCAL_ISSUER, ...env, AUTH_URL: authUrl };
  const port = await freePort();
  const deno = join(repoRoot, "node_modules/.bin/deno");
  const child: ChildProcess = spawn(deno, [
    "run",
    "--allow-all",
    "--quiet",
    "dev/functions-server.ts",
    "--port",
    String(port),
    "--exit-with-parent",
  ], {
    cwd: repoRoot,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
    stdio: ["pipe", "pipe", "pipe"], // stdin: see --exit-with-parent
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
    authUrl,
    output: () => output,
    async close() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      await auth?.close();
    },
  };
}
