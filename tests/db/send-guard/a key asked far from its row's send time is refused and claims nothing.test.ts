// A schedule fires when Braze has it; the ledger says when it should. A
// schedule whose move (a time-only update) never reached Braze fires at its
// old time, at least the update buffer away from the row's: it must abort,
// and must not use up the match's one delivery.
import { expect } from "vitest";
import { ask, createdRow, delivery } from "./fixtures.ts";
import { test } from "./stack.ts";

test("refuses a key asked twenty minutes before its row's send time, and the row stays claimable", async ({ t, g }) => {
  const row = await createdRow(g, 4, "ok");
  await t.sql`update app_private.schedule_ledger set send_at = now() + interval '20 minutes' where id = ${row.id}`;
  expect(await ask(t.db, row.key, 600)).toEqual({ send: false, reason: "not the send time" });
  expect(await delivery(t.sql, row.id)).toEqual({ status: "scheduled", delivered_by: null });
  // At its time the same key delivers.
  await t.sql`update app_private.schedule_ledger set send_at = now() - interval '1 minute' where id = ${row.id}`;
  expect(await ask(t.db, row.key, 600)).toEqual({ send: true, reason: "delivery claimed" });
});
