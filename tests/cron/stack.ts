// The tests/cron/ files' stack: a PostgreSQL 15 cluster with pg_cron, built
// the way a Supabase project is (platform bootstrap, Vault and pg_net
// stand-ins, then every migration through the Supabase CLI).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import postgres, { type Sql } from "postgres";
import { afterAll, beforeAll } from "vitest";
import { applyMigrations, applyPlatformBootstrap, repoRoot } from "../../dev/postgres.ts";
import { type Pg15, startPg15WithCron } from "../support/pg15.ts";
import { describeWithSystemPackages, PG15_WITH_CRON } from "../support/system-packages.ts";

export const PROJECT_URL = "https://project-ref.supabase.co";
export const CRON_SECRET = "cron-secret-from-vault";

export interface CronProject {
  pg: Pg15;
  sql: Sql;
  notices: string[];
  stop(): Promise<void>;
}

export async function startCronProject(): Promise<CronProject> {
  const pg = await startPg15WithCron();
  const notices: string[] = [];
  const sql = postgres(pg.url(), { max: 2, onnotice: (n) => notices.push(String(n.message)) });
  const stop = async () => {
    await sql.end({ timeout: 5 });
    await pg.stop();
  };
  try {
    await applyPlatformBootstrap(pg.url());
    await sql.unsafe(await readFile(join(repoRoot, "tests/cron/supabase-stand-ins.sql"), "utf8"));
    try {
      await applyMigrations(pg.url());
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`migrations failed on PostgreSQL 15: ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    }
    // Stored after the migrations on purpose: the jobs must read Vault when
    // they run, not when they are scheduled.
    await sql`insert into vault.secrets (name, secret) values ('project_url', ${PROJECT_URL}), ('cron_secret', ${CRON_SECRET})`;
  } catch (e) {
    await stop();
    throw e;
  }
  return { pg, sql, notices, stop };
}

/**
 * A describe block with a cron project of its own, started before its tests
 * and stopped after them; skipped with one line where the PostgreSQL 15
 * packages are missing (tests/support/system-packages.ts). `project` reads the
 * started project when a test runs.
 */
export function describeWithCronProject(name: string, body: (project: CronProject) => void): void {
  describeWithSystemPackages(PG15_WITH_CRON)(name, () => {
    let started: CronProject | undefined;
    beforeAll(async () => {
      started = await startCronProject();
    });
    afterAll(async () => {
      await started?.stop();
    });
    const live = () => {
      if (!started) throw new Error("the cron project has not started");
      return started;
    };
    body({
      get pg() {
        return live().pg;
      },
      get sql() {
        return live().sql;
      },
      get notices() {
        return live().notices;
      },
      stop: () => live().stop(),
    });
  });
}

export interface RecordedCall {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** What pg_net would wait for the answer (its own default is 5000). */
  timeout_milliseconds: number;
}

/** Runs a job's command the way pg_cron's worker would, and returns the HTTP call it made. */
export async function runJobCommand(sql: Sql, jobname: string): Promise<RecordedCall> {
  const [job] = await sql<{ command: string }[]>`select command from cron.job where jobname = ${jobname}`;
  if (!job) throw new Error(`no cron job named ${jobname}`);
  const rows = await sql.unsafe<{ request_id: string }[]>(job.command);
  const [call] = await sql<RecordedCall[]>`
    select url, headers, body, timeout_milliseconds from net.recorded_calls where id = ${rows[0]!.request_id}`;
  return call!;
}
