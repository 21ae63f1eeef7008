// Debian's PostgreSQL 15 has pg_cron but no pg_net package. The migration's
// extension step creates pg_net only where the server offers it: trying
// anyway fails inside the step's exception handler and leaves a notice that
// pg_net "is available but could not be created", which sends an operator
// after a preload or permission problem that does not exist. The step is run
// again here as the migration has it, with its notices recorded: pg_cron is
// already there, pg_net is not offered, so it says nothing at all.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import postgres from "postgres";
import { expect, it } from "vitest";
import { repoRoot } from "../../dev/postgres.ts";
import { describeWithCronProject } from "./stack.ts";

describeWithCronProject(
  "on a server that offers no pg_net the cron migration does not try to create it",
  (project) => {
    it("runs the extension step without a word about pg_net", async () => {
      const [row] = await project.sql`
        select exists (select from pg_extension where extname = 'pg_cron') as pg_cron,
               exists (select from pg_available_extensions where name = 'pg_net') as pg_net_offered`;
      expect(row).toEqual({ pg_cron: true, pg_net_offered: false });

      const migration = await readFile(
        join(repoRoot, "supabase/migrations/20261122005000_schedule_supabase_cron.sql"),
        "utf8",
      );
      const step = migration.match(/^do \$\$\n[\s\S]*?\n\$\$;/m)?.[0];
      expect(step).toBeDefined();
      const notices: string[] = [];
      const sql = postgres(project.pg.url(), { max: 1, onnotice: (n) => notices.push(String(n.message)) });
      try {
        await sql.unsafe(step!);
      } finally {
        await sql.end();
      }
      expect(notices).toEqual([]);
    });
  },
);
