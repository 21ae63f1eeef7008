// A create whose answer was lost (key k1, pending: its schedule may exist) is
// made again under k2, and Braze refuses k2 (a 429): the row is failed, k1
// still pending. If k1's schedule exists it fires at the send time and asks
// the guard. Any ledger_begin in between (a scheduler run for any match)
// retires rows whose send time passed; retiring this one to cancelled would
// make the guard refuse k1, and the match would get no push at all. A failed
// row is retired only once no schedule of it can claim any more.
import { expect } from "vitest";
import { createIntent } from "../ledger/fixtures.ts";
import { ask, begin, beginOn, createdRow, delivery, settle } from "./fixtures.ts";
import { test } from "./stack.ts";

test("lets the pending key claim the delivery after another run began past the send time", async ({ t, g }) => {
  const row = await createdRow(g, 11, "uncertain");
  const retry = await beginOn(g, row, "retry_create");
  await settle(g, [{ id: retry.id, version: retry.version, outcome: "failed", error: "429" }]);
  await t.sql`update app_private.schedule_ledger
              set send_at = now() - interval '30 seconds', kickoff_at = now() + interval '59 minutes'
              where id = ${row.id}`;
  expect(await delivery(t.sql, row.id)).toEqual({ status: "failed", delivered_by: null });

  await begin(g, [createIntent(12)]);

  expect(await delivery(t.sql, row.id)).toEqual({ status: "failed", delivered_by: null });
  expect(await ask(t.db, row.key)).toEqual({ send: true, reason: "delivery claimed" });
  expect(await delivery(t.sql, row.id)).toEqual({ status: "sent", delivered_by: row.key });
});
