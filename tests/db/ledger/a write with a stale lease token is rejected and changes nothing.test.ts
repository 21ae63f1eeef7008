import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("rejects begin and settle from a run whose lease expired and was taken over", async () => {
  const oldToken = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: oldToken,
    p_campaign_id: "c1",
    p_intents: [createIntent(1)],
  });

  // The old run stalls past its TTL; a new run takes over.
  await t.sql`update app_private.job_leases set expires_at = now() - interval '1 second'`;
  const newToken = await takeLease(t.db);
  expect(newToken).toBeGreaterThan(oldToken);
  const before = await t.sql`select * from app_private.schedule_ledger order by id`;

  await expect(
    t.db.rpc("ledger_settle", {
      p_lease: LEASE,
      p_token: oldToken,
      p_campaign_id: "c1",
      p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: "late-answer" }],
    }),
  ).rejects.toMatchObject({ name: "LeaseLostError" });
  await expect(
    t.db.rpc("ledger_begin", { p_lease: LEASE, p_token: oldToken, p_campaign_id: "c1", p_intents: [createIntent(2)] }),
  ).rejects.toMatchObject({ name: "LeaseLostError" });

  expect(await t.sql`select * from app_private.schedule_ledger order by id`).toEqual(before);
});
