// A Braze ledger row stays forever once its push went out (sent) or it was
// cancelled: one per match and re-dating, every season. Maintenance prunes
// such rows once their send time is older than
// MAINTENANCE_LEDGER_HISTORY_RETENTION_DAYS, with their guard keys (the
// attempts cascade). A row that still owns or may own a Braze schedule is
// never pruned, however old its send time: a scheduled row whose time passed
// is the ledger_begin's to close, an uncertain one reconcile's.
// A batch size of 2 makes the run prune in several batches.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runMaintenance } from "../../../src/shared/jobs/ops-status/maintenance.ts";
import { maintenanceFromEnv } from "../../../src/shared/jobs/ops-status/maintenance-env.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
const rows: [match: number, status: string, sentDaysAgo: string, scheduleId: string | null, op: string | null][] = [
  [1, "sent", "40 days", "s1", null],
  [2, "cancelled", "31 days", null, null],
  [3, "sent", "30 days 1 hour", "s3", null],
  [4, "sent", "29 days 23 hours", "s4", null],
  [5, "cancelled", "2 days", null, null],
  [6, "scheduled", "40 days", "s6", null],
  [7, "uncertain", "40 days", null, "create"],
  [8, "failed", "40 days", null, null],
  [9, "creating", "40 days", null, null],
];
beforeAll(async () => {
  t = await createTestDatabase();
  for (const [match, status, ago, scheduleId, op] of rows) {
    const key = crypto.randomUUID();
    const [row] = await t.sql<{ id: string }[]>`
      insert into app_private.schedule_ledger
        (campaign_id, match_id, status, attempt_id, guard_key, braze_schedule_id, signature, send_at, kickoff_at,
         uncertain_op, fencing_token)
      values ('c1', ${match}, ${status}, ${key}, ${key}, ${scheduleId}, 'sig', now() - ${ago}::interval,
              now() - ${ago}::interval + interval '1 hour', ${op}, 1)
      returning id`;
    await t.sql`insert into app_private.schedule_attempts (guard_key, ledger_id) values (${key}, ${row!.id})`;
  }
});
afterAll(() => t.drop());

it("prunes sent and cancelled rows older than the retention, with their attempts, and keeps every other row", async () => {
  const { settings } = maintenanceFromEnv({
    CRON_SECRET: "test-cron-secret-0123456789",
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: t.url,
    MAINTENANCE_LEDGER_HISTORY_RETENTION_DAYS: "30",
    MAINTENANCE_BATCH_SIZE: "2",
  });
  const outcome = await runMaintenance({ db: t.db }, settings, "test");

  expect(outcome.pruned.ledger_history).toBe(3);
  expect(outcome.deferred).toEqual([]);
  const left = await t.sql<{ match_id: string }[]>`
    select match_id::text from app_private.schedule_ledger order by match_id`;
  expect(left.map((r) => Number(r.match_id))).toEqual([4, 5, 6, 7, 8, 9]);
  const [orphans] = await t.sql<{ n: number }[]>`
    select count(*)::int as n from app_private.schedule_attempts a
    where not exists (select from app_private.schedule_ledger l where l.id = a.ledger_id)`;
  const [attempts] = await t.sql<{ n: number }[]>`select count(*)::int as n from app_private.schedule_attempts`;
  expect(orphans!.n).toBe(0);
  expect(attempts!.n).toBe(6);
});
