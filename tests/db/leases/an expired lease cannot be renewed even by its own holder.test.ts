// A holder that stalled past its TTL has lost the lease, even if nobody took
// it over yet: another holder may acquire it at any moment, so a renewal that
// revived the expired lease would let two runs believe they hold it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { fromPostgres } from "../../../src/shared/db/direct.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
/** The lease helpers live in app_private (not exposed through PostgREST); tests call them directly. */
const internal = () => fromPostgres(t.sql, { schema: "app_private" });
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("answers lease_lost to a renewal of an expired lease and leaves it expired", async () => {
  const lease = await internal().rpc<{ token: number; expires_at: string }>("acquire_job_lease", {
    p_job: "stalled",
    p_holder: "a",
    p_ttl_seconds: 60,
  });
  await t.sql`update app_private.job_leases set expires_at = now() - interval '1 second' where job = 'stalled'`;
  await expect(t.db.rpc("renew_job_lease", { p_job: "stalled", p_token: lease.token, p_ttl_seconds: 60 })).rejects
    .toMatchObject({ name: "LeaseLostError" });
  const [row] = await t.sql<
    { live: boolean }[]
  >`select expires_at > now() as live from app_private.job_leases where job = 'stalled'`;
  expect(row!.live).toBe(false);
});
