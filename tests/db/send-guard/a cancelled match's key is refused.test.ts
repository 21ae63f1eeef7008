// A match that was postponed or cancelled must not be announced, even by a
// schedule whose delete has not reached Braze (or was answered ambiguously).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { ask, begin, createdRow, dueNow, guarded, settle } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("refuses the key while the cancel is in flight and after it, and claims nothing", async () => {
  const g = await guarded(t.db);
  const row = await createdRow(g, 3, "ok");
  const [cancel] = await begin(g, [{
    action: "cancel",
    match_id: 3,
    id: row.id,
    version: row.version,
    attempt_id: crypto.randomUUID(),
  }]);
  expect(cancel).toMatchObject({ status: "cancelling" });
  await dueNow(t.sql, row.id);
  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "match cancelled" });

  await settle(g, [{ id: cancel!.id, version: cancel!.version, outcome: "ok" }]);
  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "match cancelled" });
  const [after] = await t.sql`select status, delivered_by from app_private.schedule_ledger where id = ${row.id}`;
  expect(after).toEqual({ status: "cancelled", delivered_by: null });
});
