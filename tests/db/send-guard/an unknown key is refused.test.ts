// Every attempt is recorded before its create call starts, so a key the
// ledger does not know was never sent to Braze by this project.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { ask, createdRow, dueNow, guarded } from "./fixtures.ts";

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
  const [after] = await t.sql`select status, delivered_by from app_private.schedule_ledger where id = ${row.id}`;
  expect(after).toEqual({ status: "scheduled", delivered_by: null });
});
