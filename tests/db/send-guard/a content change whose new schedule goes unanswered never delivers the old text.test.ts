// A content change (team names, template version) is a new schedule under a
// new key; the old one is deleted only once the new one exists. If the new
// create goes unanswered, the old schedule is still at Braze with the old
// text: its key must no longer deliver, whatever becomes of the new one.
import { expect } from "vitest";
import { createIntent } from "../ledger/fixtures.ts";
import { ask, begin, createdRow, dueNow, settle } from "./fixtures.ts";
import { test } from "./stack.ts";

test("refuses the old schedule's key once its replacement is begun, and it stays refused while the replacement is unknown", async ({ t, g }) => {
  const row = await createdRow(g, 1, "ok");
  const [replace] = await begin(g, [{
    ...createIntent(1),
    action: "replace",
    id: row.id,
    version: row.version,
    signature: "renamed",
  }]);
  await settle(g, [{ id: replace!.id, version: replace!.version, outcome: "uncertain" }]);
  await dueNow(t.sql, row.id);
  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "attempt superseded" });
  expect(await ask(t.db, replace!.guard_key)).toEqual({ send: true, reason: "delivery claimed" });
});
