// Only a schedule that may be the match's own delivers: a create Braze
// refused made nothing worth sending, and once a later attempt of the row is
// confirmed, an earlier uncertain one (which may exist at Braze too) is a
// duplicate.
import { expect } from "vitest";
import { ask, beginOn, createdRow, dueNow, settle } from "./fixtures.ts";
import { test } from "./stack.ts";

test("refuses a failed attempt's key", async ({ t, g }) => {
  const row = await createdRow(g, 1, "failed");
  await dueNow(t.sql, row.id);
  expect(await ask(t.db, row.key)).toEqual({ send: false, reason: "attempt failed" });
});

test("refuses an uncertain attempt's key once a later attempt of the row is confirmed, and lets the confirmed one deliver", async ({ t, g }) => {
  const first = await createdRow(g, 2, "uncertain");
  const retry = await beginOn(g, first, "retry_create");
  await settle(g, [{ id: retry.id, version: retry.version, outcome: "ok", braze_schedule_id: "s-2b" }]);
  await dueNow(t.sql, first.id);
  expect(await ask(t.db, first.key)).toEqual({ send: false, reason: "attempt superseded" });
  expect(await ask(t.db, retry.guard_key)).toEqual({ send: true, reason: "delivery claimed" });
});
