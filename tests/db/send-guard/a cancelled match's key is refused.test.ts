// A match that was postponed or cancelled must not be announced, even by a
// schedule whose delete has not reached Braze (or was answered ambiguously).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { ask, beginOn, createdRow, delivery, dueNow, guarded, settle } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("refuses the key while the cancel is in flight and after it, and claims nothing", async () => {
  const g = await guarded(t.db);
  const row = await createdRow(g, 3, "ok");
  const cancel = await beginOn(g, row, "cancel");
  expect(cancel).toMatchObject({ status: "cancelling" });
  await dueNow(t.sql, row.id);
  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "match cancelled" });

  await settle(g, [{ id: cancel.id, version: cancel.version, outcome: "ok" }]);
  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "match cancelled" });
  expect(await delivery(t.sql, row.id)).toEqual({ status: "cancelled", delivered_by: null });
});
