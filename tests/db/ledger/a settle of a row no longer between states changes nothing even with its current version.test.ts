// A settle answers one intent (creating, updating, cancelling or uncertain).
// A late or repeated answer that names a row's current version but arrives
// after the row settled (a scheduled row, say) must change nothing: the
// version alone does not say the row is still waiting for an answer.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("refuses to settle a scheduled row, whatever version the answer names", async () => {
  const token = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_intents: [createIntent(8)],
  });
  const settle = (version: number, scheduleId: string) =>
    t.db.rpc<{ applied: number; stale: number[] }>("ledger_settle", {
      p_lease: LEASE,
      p_token: token,
      p_campaign_id: "c1",
      p_results: [{ id: row!.id, version, outcome: "ok", braze_schedule_id: scheduleId }],
    });

  expect(await settle(row!.version, "first")).toEqual({ applied: 1, stale: [] });
  const [after] = await t.sql<{ status: string; version: number; braze_schedule_id: string }[]>`
    select status, version, braze_schedule_id from app_private.schedule_ledger where id = ${row!.id}`;
  expect(after).toMatchObject({ status: "scheduled", braze_schedule_id: "first" });

  // The row's current version, but nothing is waiting for an answer any more.
  expect(await settle(Number(after!.version), "second")).toEqual({ applied: 0, stale: [row!.id] });
  expect(await t.sql`select status, version, braze_schedule_id from app_private.schedule_ledger where id = ${row!.id}`)
    .toEqual([after]);
});
