// A match removed, postponed or cancelled in the feed is cancelled in the
// ledger before its delete is sent. When the delete is refused (Braze
// answered 429) or never sent (the run stopped first), the schedule is still
// at Braze and the ledger still means to cancel the match. Its key must stay
// refused until a later delete lands: settled back to scheduled, the old
// schedule would announce a postponed match if no run came before its send
// time to cancel it again.
import { expect } from "vitest";
import { ask, beginOn, createdRow, delivery, dueNow, settle } from "./fixtures.ts";
import { test } from "./stack.ts";

test("keeps the row cancelling, refuses its key and claims nothing", async ({ t, g }) => {
  const row = await createdRow(g, 5, "ok");
  const cancel = await beginOn(g, row, "cancel");
  await settle(g, [{ id: cancel.id, version: cancel.version, outcome: "failed", error: "not sent: throttled" }]);
  const [kept] = await t.sql`select status, braze_schedule_id from app_private.schedule_ledger where id = ${row.id}`;
  expect(kept).toEqual({ status: "cancelling", braze_schedule_id: "s-5" });
  await dueNow(t.sql, row.id);

  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "match cancelled" });
  expect(await delivery(t.sql, row.id)).toEqual({ status: "cancelling", delivered_by: null });
});
