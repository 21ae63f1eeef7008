// app_private.sync_cron_jobs() after a later migration changes app_private.cron_schedules:
// new rows get jobs, removed rows lose theirs, changed schedules are updated in
// place, an operator's pause survives, and jobs the project did not create are
// never touched. On Debian's PostgreSQL 15 with pg_cron (tests/support/pg15.ts).
import { expect, it } from "vitest";
import { describeWithCronProject, PROJECT_URL, runJobCommand } from "./stack.ts";

describeWithCronProject(
  "re-syncing follows the schedule list, keeps paused jobs paused and leaves hand-made jobs alone",
  (project) => {
    it("adds, updates and removes its own jobs, and only its own", async () => {
      const { sql } = project;
      const before = new Map(
        (await sql<{ jobname: string; jobid: string }[]>`select jobname, jobid from cron.job`).map((
          j,
        ) => [j.jobname, j.jobid]),
      );
      expect(before.has("broadcasts-resolve")).toBe(true);

      // An operator pauses one job and schedules one of their own.
      await sql`select cron.alter_job(jobid, active := false) from cron.job where jobname = 'braze-scheduler'`;
      await sql`select cron.schedule('prune-run-details', '0 4 * * *', $$delete from cron.job_run_details where end_time < now() - interval '7 days'$$)`;
      // A later migration changes the list.
      await sql`insert into app_private.cron_schedules (name, schedule, function_name, body, description)
              values ('braze-reconcile-full', '15 3 * * *', 'braze-reconcile', '{"mode": "full"}', 'nightly full reconcile')`;
      await sql`delete from app_private.cron_schedules where name = 'broadcasts-resolve'`;
      await sql`update app_private.cron_schedules set schedule = '*/15 * * * *' where name = 'delete-user-resume'`;

      const [synced] = await sql<{ result: { scheduled: string[]; unscheduled: string[] } }[]>`
      select app_private.sync_cron_jobs() as result`;
      const result = synced!.result;
      expect(result.unscheduled).toEqual(["broadcasts-resolve"]);
      expect(result.scheduled).toContain("braze-reconcile-full");

      const jobs = await sql<{ jobname: string; jobid: string; schedule: string; active: boolean }[]>`
      select jobname, jobid, schedule, active from cron.job order by jobname`;
      const byName = new Map(jobs.map((j) => [j.jobname, j]));
      const listed = await sql<{ name: string }[]>`select name from app_private.cron_schedules order by name`;

      expect(byName.has("broadcasts-resolve")).toBe(false);
      expect([...byName.keys()].sort()).toEqual([...listed.map((r) => r.name), "prune-run-details"].sort());
      expect(byName.get("braze-scheduler")).toMatchObject({ active: false, jobid: before.get("braze-scheduler") });
      expect(byName.get("delete-user-resume")).toMatchObject({
        schedule: "*/15 * * * *",
        active: true,
        jobid: before.get("delete-user-resume"),
      });
      expect(byName.get("prune-run-details")).toMatchObject({ schedule: "0 4 * * *", active: true });
      expect(byName.get("braze-reconcile-full")).toMatchObject({ schedule: "15 3 * * *", active: true });

      const call = await runJobCommand(sql, "braze-reconcile-full");
      expect(call.url).toBe(`${PROJECT_URL}/functions/v1/braze-reconcile`);
      expect(call.body).toEqual({ mode: "full" });
    });

    it("changes nothing when run again on an unchanged list", async () => {
      const snapshot = () => project.sql`select jobid, jobname, schedule, command, active from cron.job order by jobid`;
      const first = await snapshot();
      await project.sql`select app_private.sync_cron_jobs()`;
      expect(await snapshot()).toEqual(first);
    });
  },
);
