// One Braze schedule belongs to at most one live ledger row. If a settle
// recorded the schedule id of match 1 on match 2's row too (a mixed-up result
// in a batch), a later cancel of either match would cancel the other's push,
// and a reconcile adopting by schedule id would find two owners. The second
// settle is refused (or reported stale, never applied) and match 2's row keeps
// no schedule id.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ConflictError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("keeps the schedule id on the first row only", async () => {
  const token = await takeLease(t.db);
  const fence = { p_lease: LEASE, p_token: token, p_campaign_id: "c1" };
  const [one, two] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    ...fence,
    p_intents: [createIntent(1), createIntent(2, "2030-01-02T14:00:00Z")],
  });
  await t.db.rpc("ledger_settle", {
    ...fence,
    p_results: [{ id: one!.id, version: one!.version, outcome: "ok", braze_schedule_id: "sched-1" }],
  });

  const second = await t.db.rpc<{ applied: number; stale: number[] }>("ledger_settle", {
    ...fence,
    p_results: [{ id: two!.id, version: two!.version, outcome: "ok", braze_schedule_id: "sched-1" }],
  }).then((answer) => ({ answer }), (error: unknown) => ({ error }));
  if ("error" in second) expect(second.error).toBeInstanceOf(ConflictError);
  else expect(second.answer).toMatchObject({ applied: 0, stale: [two!.id] });

  const rows = await t.sql`
    select match_id::int, status, braze_schedule_id from app_private.schedule_ledger order by match_id`;
  expect(rows).toEqual([
    { match_id: 1, status: "scheduled", braze_schedule_id: "sched-1" },
    { match_id: 2, status: "creating", braze_schedule_id: null },
  ]);
});
