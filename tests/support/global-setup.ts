// One throwaway embedded Postgres for the whole test run. The platform
// bootstrap and every migration (through the real Supabase CLI) are applied
// once to a template database (dev/local-env.ts); each test file clones it
// (tests/support/db.ts), which takes milliseconds and keeps files isolated
// from each other.
import type { TestProject } from "vitest/node";
import { startThrowawayPostgres } from "../../dev/local-env.ts";

export const TEMPLATE_DB = "app_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplateDb: string;
  }
}

export default async function setup(project: TestProject) {
  const pg = await startThrowawayPostgres({ label: "race-safe-pg", database: TEMPLATE_DB });
  project.provide("pgAdminUrl", pg.adminUrl);
  project.provide("pgTemplateDb", TEMPLATE_DB);
  return () => pg.stop();
}
