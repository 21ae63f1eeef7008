// Every attempt is recorded before its create call starts, so a key the
// ledger does not know was never sent to Braze by this project.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { ask, createdRow, delivery, dueNow, guarded } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("refuses a key no attempt carries and changes no row", async () => {
  const g = await guarded(t.db);
  const row = await createdRow(g, 9, "ok");
  await dueNow(t.sql, row.id);
  expect(await ask(t.db, crypto.randomUUID())).toEqual({ send: false, reason: "unknown key" });
  expect(await delivery(t.sql, row.id)).toEqual({ status: "scheduled", delivered_by: null });
});
