// maintenance_prune deletes history in bounded batches under the maintenance
// lease. A run whose lease was taken over must delete nothing (two pruners
// would each believe they own the budget), and a caller may never ask for an
// unbounded batch or a retention under an hour (a typo would empty job_runs).
import { afterAll, beforeAll, expect, it } from "vitest";
import { fromPostgres } from "../../../src/shared/db/direct.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
/** The lease helpers live in app_private (not exposed through PostgREST); tests call them directly. */
const internal = () => fromPostgres(t.sql, { schema: "app_private" });
beforeAll(async () => {
  t = await createTestDatabase();
  // Two finished runs of one job, both long past any retention; the older one may go.
  await t.sql`
    insert into app_private.job_runs (job, lease, holder, started_at, finished_at, outcome)
    values ('braze-scheduler', 'l', 'h', now() - interval '30 days', now() - interval '30 days', 'completed'),
           ('braze-scheduler', 'l', 'h', now() - interval '29 days', now() - interval '29 days', 'completed')`;
});
afterAll(() => t.drop());

type Lease = { token: number; expires_at: string } | null;
const runCount = async () => Number((await t.sql`select count(*)::int as n from app_private.job_runs`)[0]!.n);

it("a pruner whose lease was taken over deletes nothing", async () => {
  const stale = await internal().rpc<Lease>("acquire_job_lease", {
    p_job: "maintenance",
    p_holder: "a",
    p_ttl_seconds: 60,
  });
  await t.sql`update app_private.job_leases set expires_at = now() - interval '1 second' where job = 'maintenance'`;
  const live = await internal().rpc<Lease>("acquire_job_lease", {
    p_job: "maintenance",
    p_holder: "b",
    p_ttl_seconds: 60,
  });
  expect(live).not.toBeNull();
  const before = await runCount();
  await expect(
    t.db.rpc("maintenance_prune", {
      p_lease: "maintenance",
      p_token: stale!.token,
      p_what: "job_runs",
      p_older_than: "7 days",
      p_limit: 100,
    }),
  ).rejects.toMatchObject({ name: "LeaseLostError" });
  expect(await runCount()).toBe(before);

  // The live holder prunes the older run and keeps the job's latest.
  expect(
    await t.db.rpc("maintenance_prune", {
      p_lease: "maintenance",
      p_token: live!.token,
      p_what: "job_runs",
      p_older_than: "7 days",
      p_limit: 100,
    }),
  ).toBe(1);
  expect(await runCount()).toBe(before - 1);
});

it.each([
  { what: "an empty batch", limit: 0, olderThan: "7 days" },
  { what: "an oversized batch", limit: 1_000_000, olderThan: "7 days" },
  { what: "a retention under an hour", limit: 100, olderThan: "59 minutes" },
])("$what is refused as invalid input", async ({ limit, olderThan }) => {
  const lease = await internal().rpc<Lease>("acquire_job_lease", {
    p_job: "maintenance-2",
    p_holder: "c",
    p_ttl_seconds: 60,
  });
  await internal().rpc<Lease>("release_job_lease", { p_job: "maintenance-2", p_token: lease!.token });
  const live = await internal().rpc<Lease>("acquire_job_lease", {
    p_job: "maintenance-2",
    p_holder: "c",
    p_ttl_seconds: 60,
  });
  await expect(
    t.db.rpc("maintenance_prune", {
      p_lease: "maintenance-2",
      p_token: live!.token,
      p_what: "job_runs",
      p_older_than: olderThan,
      p_limit: limit,
    }),
  ).rejects.toMatchObject({ name: "InvalidInputError" });
  await internal().rpc("release_job_lease", { p_job: "maintenance-2", p_token: live!.token });
});
