// Every job sync_cron_jobs() schedules runs net.http_post (pg_net). On a
// server with pg_cron but without that function, a job would be scheduled and
// then fail at every run ("function net.http_post does not exist" in
// cron.job_run_details) while the sync reported success. So the sync checks
// for the function and answers skipped, changing no job. Here the recording
// stand-in of net.http_post is dropped after the migrations scheduled the jobs.
import { expect, it } from "vitest";
import { describeWithCronProject } from "./stack.ts";

describeWithCronProject(
  "where net.http_post is missing re-syncing schedules nothing and says why",
  (project) => {
    it("answers skipped and leaves cron.job as it was", async () => {
      const { sql } = project;
      const jobs = () => sql`select jobid, jobname, schedule, command, active from cron.job order by jobid`;
      const before = await jobs();
      expect(before.length).toBeGreaterThan(0);
      // A schedule added since: a sync that went ahead would create its job.
      await sql`insert into app_private.cron_schedules (name, schedule, function_name, body, description)
                values ('braze-reconcile-full', '15 3 * * *', 'braze-reconcile', '{"mode": "full"}', 'nightly')`;
      await sql`drop function net.http_post(text, jsonb, jsonb, jsonb, integer)`;

      const [synced] = await sql`select app_private.sync_cron_jobs() as result`;
      expect(synced!.result).toEqual({ skipped: "pg_net is not installed" });
      expect(await jobs()).toEqual(before);
    });
  },
);
