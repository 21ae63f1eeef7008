// Reconcile forgets a Braze orphan it stops seeing only while it lists the
// campaign it runs for, so a retired campaign's sightings would stay forever;
// maintenance prunes them once they have not been seen for
// MAINTENANCE_ORPHAN_SIGHTINGS_RETENTION_DAYS. The age that counts is the last
// sighting, not the first: an orphan still there (sighted an hour ago, first
// seen a month ago) is still waiting out its grace period and must be kept.
// A batch size of 2 makes the run prune in several batches.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runMaintenance } from "../../../src/shared/jobs/ops-status/maintenance.ts";
import { maintenanceFromEnv } from "../../../src/shared/jobs/ops-status/maintenance-env.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`
    insert into app_private.braze_orphan_sightings (campaign_id, schedule_id, first_seen_at, last_seen_at)
    values ('retired', 'unseen-30-days', now() - interval '40 days', now() - interval '30 days'),
           ('retired', 'unseen-10-days', now() - interval '10 days', now() - interval '10 days'),
           ('retired', 'unseen-8-days',  now() - interval '9 days',  now() - interval '8 days'),
           ('live',    'unseen-just-past-7-days', now() - interval '7 days 1 hour', now() - interval '7 days 1 hour'),
           ('live',    'unseen-just-under-7-days', now() - interval '6 days 23 hours', now() - interval '6 days 23 hours'),
           ('live',    'first-seen-a-month-ago-seen-an-hour-ago', now() - interval '30 days', now() - interval '1 hour'),
           ('live',    'seen-now', now(), now())`;
});
afterAll(() => t.drop());

it("prunes the sightings unseen for longer than the retention and keeps the others", async () => {
  const { settings } = maintenanceFromEnv({
    CRON_SECRET: "test-cron-secret-0123456789",
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: t.url,
    MAINTENANCE_ORPHAN_SIGHTINGS_RETENTION_DAYS: "7",
    MAINTENANCE_BATCH_SIZE: "2",
  });
  const outcome = await runMaintenance({ db: t.db }, settings, "test");

  expect(outcome.pruned.orphan_sightings).toBe(4);
  expect(outcome.deferred).toEqual([]);
  const left = await t.sql<{ schedule_id: string }[]>`
    select schedule_id from app_private.braze_orphan_sightings order by schedule_id`;
  expect(left.map((r) => r.schedule_id)).toEqual([
    "first-seen-a-month-ago-seen-an-hour-ago",
    "seen-now",
    "unseen-just-under-7-days",
  ]);
});
