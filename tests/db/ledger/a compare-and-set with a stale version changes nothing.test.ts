import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("applies a settle once; the same version again is reported stale and not applied", async () => {
  const token = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_intents: [createIntent(7)],
  });
  const settle = (scheduleId: string) =>
    t.db.rpc<{ applied: number; stale: number[] }>("ledger_settle", {
      p_lease: LEASE,
      p_token: token,
      p_campaign_id: "c1",
      p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: scheduleId }],
    });

  expect(await settle("first")).toEqual({ applied: 1, stale: [] });
  const after = await t.sql`select status, version, braze_schedule_id from app_private.schedule_ledger where id = ${
    row!.id
  }`;
  expect(await settle("second")).toEqual({ applied: 0, stale: [row!.id] });
  expect(await t.sql`select status, version, braze_schedule_id from app_private.schedule_ledger where id = ${row!.id}`)
    .toEqual(after);
  expect(after[0]).toMatchObject({ status: "scheduled", braze_schedule_id: "first" });
});
