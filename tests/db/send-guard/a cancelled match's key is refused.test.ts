// A match that was postponed or cancelled must not be announced, even by a
// schedule whose delete has not reached Braze (or was answered ambiguously).
import { expect } from "vitest";
import { ask, beginOn, createdRow, delivery, dueNow, settle } from "./fixtures.ts";
import { test } from "./stack.ts";

test("refuses the key while the cancel is in flight and after it, and claims nothing", async ({ t, g }) => {
  const row = await createdRow(g, 3, "ok");
  const cancel = await beginOn(g, row, "cancel");
  expect(cancel).toMatchObject({ status: "cancelling" });
  await dueNow(t.sql, row.id);
  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "match cancelled" });

  await settle(g, [{ id: cancel.id, version: cancel.version, outcome: "ok" }]);
  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "match cancelled" });
  expect(await delivery(t.sql, row.id)).toEqual({ status: "cancelled", delivered_by: null });
});
