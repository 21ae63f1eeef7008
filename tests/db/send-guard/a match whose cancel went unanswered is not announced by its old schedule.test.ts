// A match removed, postponed or cancelled in the feed is cancelled in the
// ledger and its schedule deleted at Braze. When the delete goes unanswered
// (a timeout, a 5xx that may have been applied), the row is uncertain about
// its cancel: the ledger's intent is still that the match is not announced,
// and the schedule, if the delete never landed, still fires. Its key must be
// refused like a cancelling row's. Seen in production-mode chaos: a removed
// match delivered at its old time after its delete timed out.
import { expect } from "vitest";
import { ask, beginOn, createdRow, delivery, dueNow, settle } from "./fixtures.ts";
import { test } from "./stack.ts";

test("refuses the key of a row whose cancel is uncertain and claims nothing", async ({ t, g }) => {
  const row = await createdRow(g, 4, "ok");
  const cancel = await beginOn(g, row, "cancel");
  await settle(g, [{ id: cancel.id, version: cancel.version, outcome: "uncertain" }]);
  const [uncertain] = await t.sql`select status, uncertain_op from app_private.schedule_ledger where id = ${row.id}`;
  expect(uncertain).toEqual({ status: "uncertain", uncertain_op: "cancel" });
  await dueNow(t.sql, row.id);

  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "match cancelled" });
  expect(await delivery(t.sql, row.id)).toEqual({ status: "uncertain", delivered_by: null });
});
