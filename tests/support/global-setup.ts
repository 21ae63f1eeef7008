// One throwaway embedded Postgres for the whole test run. The platform
// bootstrap and every migration (through the real Supabase CLI) are applied
// once to a template database; each test file clones it (tests/support/db.ts),
// which takes milliseconds and keeps files isolated from each other.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { applyMigrations, applyPlatformBootstrap, startPostgres } from "../../dev/postgres.ts";
import { freePort } from "../../dev/ports.ts";

export const TEMPLATE_DB = "app_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplateDb: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "race-safe-pg-"));
  await chmod(dir, 0o755); // the cluster runs as the unprivileged postgres user when we are root
  const port = await freePort();
  const pg = await startPostgres({ dataDir: join(dir, "data"), port, persistent: false });
  const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  await applyPlatformBootstrap(pg.url(TEMPLATE_DB));
  await applyMigrations(pg.url(TEMPLATE_DB));
  project.provide("pgAdminUrl", pg.url());
  project.provide("pgTemplateDb", TEMPLATE_DB);
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
