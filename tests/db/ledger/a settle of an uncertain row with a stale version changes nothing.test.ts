import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("reports the stale version and leaves the uncertain row as it was", async () => {
  const token = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_intents: [createIntent(3)],
  });
  const settle = (version: number, outcome: string, scheduleId?: string) =>
    t.db.rpc<{ applied: number; stale: number[] }>("ledger_settle", {
      p_lease: LEASE,
      p_token: token,
      p_campaign_id: "c1",
      p_results: [{ id: row!.id, version, outcome, ...(scheduleId ? { braze_schedule_id: scheduleId } : {}) }],
    });
  // The create timed out: uncertain, one version on.
  expect(await settle(row!.version, "uncertain")).toEqual({ applied: 1, stale: [] });
  const uncertain = await t.sql`select * from app_private.schedule_ledger where id = ${row!.id}`;
  expect(uncertain[0]).toMatchObject({ status: "uncertain", version: row!.version + 1 });

  // A late settle still carrying the version of the creating row (the status
  // filter alone would let it through: uncertain rows are settleable).
  expect(await settle(row!.version, "ok", "late")).toEqual({ applied: 0, stale: [row!.id] });
  expect(await t.sql`select * from app_private.schedule_ledger where id = ${row!.id}`).toEqual(uncertain);
});
