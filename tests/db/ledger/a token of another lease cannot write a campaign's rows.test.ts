import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fromPostgres } from "../../../src/shared/db/direct.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
/** The lease helpers live in app_private (not exposed through PostgREST); tests call them directly. */
const internal = () => fromPostgres(t.sql, { schema: "app_private" });
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("refuses a begin and a settle fenced by a live, newer token of an unrelated lease", async () => {
  const token = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_intents: [createIntent(1)],
  });
  // Another job's live lease: its token comes from the same sequence, so it is
  // larger than the campaign's, and it is live.
  const other = await internal().rpc<{ token: number }>("acquire_job_lease", {
    p_job: "broadcasts:resolve",
    p_holder: randomUUID(),
    p_ttl_seconds: 60,
  });
  expect(Number(other.token)).toBeGreaterThan(token);
  const before = await t.sql`select * from app_private.schedule_ledger order by id`;

  await expect(
    t.db.rpc("ledger_begin", {
      p_lease: "broadcasts:resolve",
      p_token: other.token,
      p_campaign_id: "c1",
      p_intents: [createIntent(2)],
    }),
  ).rejects.toMatchObject({ name: "LeaseLostError" });
  await expect(
    t.db.rpc("ledger_settle", {
      p_lease: "broadcasts:resolve",
      p_token: other.token,
      p_campaign_id: "c1",
      p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: "not-ours" }],
    }),
  ).rejects.toMatchObject({ name: "LeaseLostError" });
  // Naming the campaign's lease with the other lease's token is refused too.
  await expect(
    t.db.rpc("ledger_settle", {
      p_lease: LEASE,
      p_token: other.token,
      p_campaign_id: "c1",
      p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: "not-ours" }],
    }),
  ).rejects.toMatchObject({ name: "LeaseLostError" });

  expect(await t.sql`select * from app_private.schedule_ledger order by id`).toEqual(before);
});
