// Runs `npm run ops` (dev/ops.ts) the way a person does, as a child process of
// its own process group, with the secret in the environment only.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { repoRoot } from "../../../dev/postgres.ts";

/** The project URL the ops tool takes (--url) for functions served at `<base>/functions/v1/<name>`. */
export const projectUrlOf = (functionUrl: string) => functionUrl.replace(/\/functions\/v1\/[^/]+$/, "");

function env(secret: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, CRON_SECRET: secret, NO_COLOR: "1" };
  delete e.SUPABASE_SERVICE_ROLE_KEY;
  return e;
}

export interface ServedPage {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** `npm run ops -- --url <projectUrl> --port 0`, until it says where it serves the page. */
export function serveOpsPage(projectUrl: string, secret: string): Promise<ServedPage> {
  const child: ChildProcess = spawn("npm", ["run", "--silent", "ops", "--", "--url", projectUrl, "--port", "0"], {
    cwd: repoRoot,
    env: env(secret),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      await exited;
    }
  };
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      output += b.toString();
      const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) resolve({ url: m[1]!, output: () => output, stop });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then(() => reject(new Error(`npm run ops exited before serving:\n${output}`)));
  });
}

/** `npm run ops -- --text --url <projectUrl>`: its exit code and what it printed. */
export function opsText(projectUrl: string, secret: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["run", "--silent", "ops", "--", "--text", "--url", projectUrl],
      { cwd: repoRoot, env: env(secret) },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
