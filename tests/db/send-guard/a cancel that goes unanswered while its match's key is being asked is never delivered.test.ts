// The delivery guard reads the row, then claims it in one conditional update.
// A cancel whose delete goes unanswered can commit between the two: the
// scheduler writes the cancel intent and settles it `uncertain` (cancel), and
// that write holds the row until it commits. The claim must then find the
// row uncertain about its cancel and claim nothing (Read Committed
// re-evaluates the update's condition on the row version the settle left):
// the ledger still means to cancel the match, and its schedule fires if the
// delete never landed. The guard's first read saw the row scheduled, so only
// the update's own condition can refuse it. The settle is held open in a
// transaction until the guard is seen waiting on its row.
import { expect } from "vitest";
import { LEASE } from "../ledger/fixtures.ts";
import { ask, createdRow, delivery } from "./fixtures.ts";
import { test } from "./stack.ts";

test("answers match cancelled and leaves the row undelivered", async ({ t, g }) => {
  const row = await createdRow(g, 9, "ok");
  // Due within the guard's tolerance, but not yet past (a passed row would be swept to sent by the cancel's begin).
  await t.sql`update app_private.schedule_ledger set send_at = now() + interval '2 minutes' where id = ${row.id}`;

  const writer = await t.sql.reserve();
  let answered = false;
  try {
    const [{ pid }] = (await writer<{ pid: number }[]>`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    await writer`begin`;
    const [begun] = await writer<{ result: { id: number; version: number; status: string }[] }[]>`
      select public.ledger_begin(p_lease => ${LEASE}, p_token => ${g.token}, p_campaign_id => 'c1',
        p_intents => ${
      writer.json([{
        action: "cancel",
        match_id: 9,
        id: row.id,
        version: row.version,
        attempt_id: crypto.randomUUID(),
      }])
    }) as result`;
    const cancel = begun!.result[0]!;
    expect(cancel).toMatchObject({ status: "cancelling" });
    await writer`
      select public.ledger_settle(p_lease => ${LEASE}, p_token => ${g.token}, p_campaign_id => 'c1',
        p_results => ${writer.json([{ id: cancel.id, version: cancel.version, outcome: "uncertain" }])})`;

    const answer = ask(t.db, row.key).then((a) => {
      answered = true;
      return a;
    });
    // Until the guard has either answered or waits on the row the settle holds.
    for (;;) {
      if (answered) break;
      const [{ waiting }] = (await t.sql<{ waiting: number }[]>`
        select count(*)::int as waiting from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'
           and query like '%braze_send_guard%' and pid <> ${pid} and pid <> pg_backend_pid()`) as unknown as [
        { waiting: number },
      ];
      if (waiting > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(answered).toBe(false);

    await writer`commit`;
    expect(await answer).toEqual({ send: false, reason: "match cancelled" });
  } finally {
    writer.release();
  }
  expect(await delivery(t.sql, row.id)).toEqual({ status: "uncertain", delivered_by: null });
});
