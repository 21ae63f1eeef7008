import { afterAll, beforeAll, expect, it } from "vitest";
import { fromPostgres } from "../../../src/shared/db/direct.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
/** The lease helpers live in app_private (not exposed through PostgREST); tests call them directly. */
const internal = () => fromPostgres(t.sql, { schema: "app_private" });
beforeAll(async () => {
  t = await createTestDatabase({ max: 50 });
});
afterAll(() => t.drop());

it("gives exactly one of 50 concurrent acquire_job_lease calls a token", async () => {
  const results = await Promise.all(
    Array.from(
      { length: 50 },
      (_, i) =>
        internal().rpc<{ token: number; expires_at: string } | null>("acquire_job_lease", {
          p_job: "braze:campaign:c1",
          p_holder: `holder-${i}`,
          p_ttl_seconds: 30,
        }),
    ),
  );
  const granted = results.filter((r) => r !== null);
  expect(granted).toHaveLength(1);
  const [row] = await t.sql`select holder, token from app_private.job_leases where job = 'braze:campaign:c1'`;
  expect(Number(row!.token)).toBe(Number(granted[0]!.token));
});
