// pg_net's net.http_post gives up after timeout_milliseconds, 5000 by default
// (github.com/supabase/pg_net, sql/pg_net.sql), and then records
// timed_out = true in net._http_response while the function goes on running.
// A hosted Edge Function has until the platform's request idle timeout, 150 s,
// to answer before the gateway answers 504 for it
// (https://supabase.com/docs/guides/functions/limits). So every scheduled call
// must wait at least that long, or a long run is reported as a timeout that
// never happened. On Debian's PostgreSQL 15 with pg_cron; net.http_post is the
// recording stand-in (tests/cron/supabase-stand-ins.sql), which has pg_net's
// signature and default.
import { expect, it } from "vitest";
import { describeWithCronProject, runJobCommand } from "./stack.ts";

const PLATFORM_REQUEST_IDLE_TIMEOUT_MS = 150_000;

describeWithCronProject(
  "every scheduled call waits for its function longer than the platform lets a function take to answer",
  (project) => {
    it("passes a timeout longer than the request idle timeout on every job, not pg_net's 5 s default", async () => {
      const rows = await project.sql<{ name: string }[]>`select name from app_private.cron_schedules order by name`;
      expect(rows.length).toBeGreaterThanOrEqual(4);
      for (const row of rows) {
        const call = await runJobCommand(project.sql, row.name);
        expect(call.timeout_milliseconds, row.name).toBeGreaterThan(PLATFORM_REQUEST_IDLE_TIMEOUT_MS);
      }
    });

    it("takes a schedule's own timeout when a row sets one, after a re-sync", async () => {
      await project
        .sql`update app_private.cron_schedules set timeout_milliseconds = 300000 where name = 'braze-reconcile'`;
      await project.sql`select app_private.sync_cron_jobs()`;
      const call = await runJobCommand(project.sql, "braze-reconcile");
      expect(call.timeout_milliseconds).toBe(300_000);
    });

    it("refuses a schedule whose timeout is not a sane number of milliseconds", async () => {
      await expect(
        project.sql`update app_private.cron_schedules set timeout_milliseconds = 0 where name = 'braze-scheduler'`,
      ).rejects.toThrow(/check constraint/);
    });
  },
);
