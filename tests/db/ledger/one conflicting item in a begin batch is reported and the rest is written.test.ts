import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("reports a stale update and a duplicate create as conflicts, in intent order, and writes the other intents", async () => {
  const token = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_intents: [createIntent(8), createIntent(10)],
  });
  await t.db.rpc("ledger_settle", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: "s8" }],
  });
  const staleUpdate = {
    ...createIntent(8, "2030-01-01T15:00:00Z"),
    action: "update",
    id: row!.id,
    version: row!.version,
  };
  const begun = await t.db.rpc<(BegunRow & { conflict?: boolean })[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_intents: [createIntent(9), staleUpdate, createIntent(10), createIntent(11)],
  });
  expect(begun.map((b) => [b.match_id, b.status])).toEqual([[9, "creating"], [8, "conflict"], [10, "conflict"], [
    11,
    "creating",
  ]]);
  const rows = await t.sql`select match_id::int, status from app_private.schedule_ledger order by match_id, id`;
  expect(rows).toEqual([
    { match_id: 8, status: "scheduled" },
    { match_id: 9, status: "creating" },
    { match_id: 10, status: "creating" },
    { match_id: 11, status: "creating" },
  ]);
});
