// Braze refusing a content change's new schedule made nothing: the old
// schedule, still at Braze, is the match's notification again and its key
// must deliver.
import { expect } from "vitest";
import { createIntent } from "../ledger/fixtures.ts";
import { ask, begin, createdRow, dueNow, settle } from "./fixtures.ts";
import { test } from "./stack.ts";

test("answers send to the old schedule's key after its replacement is refused", async ({ t, g }) => {
  const row = await createdRow(g, 1, "ok");
  const [replace] = await begin(g, [{
    ...createIntent(1),
    action: "replace",
    id: row.id,
    version: row.version,
    signature: "renamed",
  }]);
  await settle(g, [{ id: replace!.id, version: replace!.version, outcome: "failed" }]);
  await dueNow(t.sql, row.id);
  expect(await ask(t.db, replace!.guard_key)).toEqual({ send: false, reason: "attempt failed" });
  expect(await ask(t.db, row.key)).toEqual({ send: true, reason: "delivery claimed" });
});
