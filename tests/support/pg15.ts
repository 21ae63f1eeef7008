// A throwaway cluster of Debian's PostgreSQL 15 with pg_cron preloaded, for the
// tests that need what the embedded Postgres cannot have: the pg_cron
// background worker and its cron schema (package postgresql-15-cron).
//
// As root (CI, the dev machines) the cluster runs as the `postgres` OS user
// that the Debian package creates, because initdb and postgres refuse root.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { freePort } from "../../dev/ports.ts";
import { installedPath, PG15_WITH_CRON } from "./system-packages.ts";

const run = promisify(execFile);
// Debian's paths, looked up under SYSTEM_PACKAGES_ROOT (tests/support/system-packages.ts).
const [PG15_POSTGRES, PG_CRON_SO] = PG15_WITH_CRON.files as [string, string];
export const pg15Bin = (): string => dirname(installedPath(PG15_POSTGRES));
const INSTALL_HINT =
  "run `bash dev/system-packages.sh` as root (it apt-get installs postgresql-15 and postgresql-15-cron)";

export interface Pg15 {
  port: number;
  url(database?: string): string;
  /** What the server printed, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Throws with the install hint when Debian's PostgreSQL 15 or pg_cron is
 * missing. Never skips by itself: the test files decide that up front with
 * describeWithSystemPackages(PG15_WITH_CRON), so under CI a missing package
 * ends here, as a failure naming it.
 */
export function requirePg15WithCron(): void {
  for (
    const [path, what] of [
      [installedPath(PG15_POSTGRES), "PostgreSQL 15 (package postgresql-15)"],
      [installedPath(PG_CRON_SO), "pg_cron for PostgreSQL 15 (package postgresql-15-cron)"],
    ] as const
  ) {
    if (!existsSync(path)) throw new Error(`${what} is not installed: ${path} is missing; ${INSTALL_HINT}`);
  }
}

async function osUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined; // not root: run as ourselves
  const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
  const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
  return { uid, gid };
}

/**
 * Starts PostgreSQL 15 on a free 127.0.0.1 port with pg_cron preloaded and its
 * launcher watching `cronDatabase` (created if it is not `postgres`). Trust
 * authentication: the cluster lives in a temporary directory for one test file
 * and listens on loopback only.
 */
export async function startPg15WithCron(options: { cronDatabase?: string } = {}): Promise<Pg15> {
  requirePg15WithCron();
  const cronDatabase = options.cronDatabase ?? "postgres";
  const owner = await osUser();
  const dir = await mkdtemp(join(tmpdir(), "pg15-cron-"));
  await chmod(dir, 0o700);
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = join(dir, "data");
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};

  await run(
    join(pg15Bin(), "initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"],
    {
      ...as,
      cwd: dir,
    },
  );

  const port = await freePort();
  let output = "";
  const server: ChildProcess = spawn(
    join(pg15Bin(), "postgres"),
    [
      "-D",
      data,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${dir}`,
      "-c",
      "shared_preload_libraries=pg_cron",
      "-c",
      `cron.database_name=${cronDatabase}`,
      "-c",
      "fsync=off",
    ],
    { ...as, cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  server.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const url = (database = "postgres") => `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`;
  const stop = async () => {
    if (running) {
      server.kill("SIGINT"); // fast shutdown: disconnect clients, no checkpoint wait
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilAccepting(url(), () => running, () => output);
    if (cronDatabase !== "postgres") {
      const admin = postgres(url(), { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`create database "${cronDatabase.replaceAll('"', '""')}"`);
      } finally {
        await admin.end();
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, url, log: () => output, stop };
}

async function waitUntilAccepting(url: string, running: () => boolean, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (!running()) throw new Error(`PostgreSQL 15 exited during startup:\n${log()}`);
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      return;
    } catch {
      // starting up ("the database system is starting up") or not listening yet
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`PostgreSQL 15 did not accept connections within 30 s:\n${log()}`);
}
