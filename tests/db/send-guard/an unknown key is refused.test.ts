// Every attempt is recorded before its create call starts, so a key the
// ledger does not know was never sent to Braze by this project.
import { expect } from "vitest";
import { ask, createdRow, delivery, dueNow } from "./fixtures.ts";
import { test } from "./stack.ts";

test("refuses a key no attempt carries and changes no row", async ({ t, g }) => {
  const row = await createdRow(g, 9, "ok");
  await dueNow(t.sql, row.id);
  expect(await ask(t.db, crypto.randomUUID())).toEqual({ send: false, reason: "unknown key" });
  expect(await delivery(t.sql, row.id)).toEqual({ status: "scheduled", delivered_by: null });
});
