// Supabase Cron for real: Debian's PostgreSQL 15 with pg_cron preloaded, every
// migration applied by the Supabase CLI, then each scheduled job's command run
// as pg_cron would run it. net.http_post is a recording stand-in (there is no
// pg_net package for Debian), see tests/cron/supabase-stand-ins.sql.
import { expect, it } from "vitest";
import { CRON_SECRET, describeWithCronProject, PROJECT_URL, runJobCommand } from "./stack.ts";

describeWithCronProject(
  "every cron schedule becomes a pg_cron job that posts to its function with the Vault secret",
  (project) => {
    interface Schedule {
      name: string;
      schedule: string;
      function_name: string;
      body: unknown;
      timeout_milliseconds: number;
    }

    it("runs the real pg_cron scheduler in this cluster", async () => {
      const [ext] = await project.sql`select extversion from pg_extension where extname = 'pg_cron'`;
      expect(ext).toBeDefined();
      const launchers = await project.sql`select 1 from pg_stat_activity where backend_type = 'pg_cron launcher'`;
      expect(launchers.length).toBe(1);
    });

    it("schedules one active pg_cron job per row of app_private.cron_schedules, on that row's schedule", async () => {
      const rows = await project.sql<Schedule[]>`select name, schedule from app_private.cron_schedules order by name`;
      const jobs = await project.sql`select jobname as name, schedule, active from cron.job order by jobname`;
      expect(rows.length).toBeGreaterThanOrEqual(4); // the list the migration declares
      expect(jobs).toEqual(rows.map((r) => ({ name: r.name, schedule: r.schedule, active: true })));
    });

    it("writes neither the project URL nor the cron secret into cron.job", async () => {
      const jobs = await project.sql<{ command: string }[]>`select command from cron.job`;
      for (const { command } of jobs) {
        expect(command).not.toContain(CRON_SECRET);
        expect(command).not.toContain(PROJECT_URL);
        expect(command).toContain("vault.decrypted_secrets");
      }
    });

    it("makes each job, when due, POST to <project_url>/functions/v1/<function> with Bearer <cron_secret> and the row's body", async () => {
      const rows = await project.sql<Schedule[]>`
      select name, function_name, body, timeout_milliseconds from app_private.cron_schedules order by name`;
      for (const row of rows) {
        const call = await runJobCommand(project.sql, row.name);
        expect(call).toEqual({
          url: `${PROJECT_URL}/functions/v1/${row.function_name}`,
          headers: { Authorization: `Bearer ${CRON_SECRET}`, "Content-Type": "application/json" },
          body: row.body,
          timeout_milliseconds: row.timeout_milliseconds,
        });
      }
    });

    it("reads the secret when the job runs, so rotating it in Vault needs no rescheduling", async () => {
      await project.sql`update vault.secrets set secret = 'rotated-secret' where name = 'cron_secret'`;
      try {
        const call = await runJobCommand(project.sql, "braze-scheduler");
        expect(call.headers.Authorization).toBe("Bearer rotated-secret");
      } finally {
        await project.sql`update vault.secrets set secret = ${CRON_SECRET} where name = 'cron_secret'`;
      }
    });
  },
);
