import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("retires the row whose send time passed as sent and begins a new create for the match, with the rest of the batch", async () => {
  const token = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_intents: [createIntent(5)],
  });
  await t.db.rpc("ledger_settle", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: "s5" }],
  });
  // The push went out: its send time is behind the database clock. ledger_load
  // no longer returns the row, so the planner sees no row for the match.
  await t.sql`update app_private.schedule_ledger set send_at = now() - interval '1 minute' where id = ${row!.id}`;
  const loaded = await t.db.rpc<{ rows: { match_id: number }[] }>("ledger_load", { p_campaign_id: "c1" });
  expect(loaded.rows).toEqual([]);

  // The match is re-dated (postponed, then given a new kickoff).
  const begun = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_intents: [createIntent(5, "2031-02-01T14:00:00Z"), createIntent(6)],
  });
  expect(begun.map((b) => [b.match_id, b.status])).toEqual([[5, "creating"], [6, "creating"]]);
  const rows = await t.sql`select match_id::int, status from app_private.schedule_ledger order by id`;
  expect(rows).toEqual([
    { match_id: 5, status: "sent" },
    { match_id: 5, status: "creating" },
    { match_id: 6, status: "creating" },
  ]);
});
