// The delivery guard reads the row, then claims it in one conditional update.
// A cancel can commit between the two: the guard's first read saw the row
// scheduled, and the cancel's write holds the row until it commits. The claim
// must then find the row cancelling and claim nothing (Read Committed
// re-evaluates the update's condition on the row version the cancel left),
// so a match cancelled at the last moment is not announced. The cancel is
// held open in a transaction until the guard is seen waiting on its row.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { ask, createdRow, guarded } from "../send-guard/fixtures.ts";
import { LEASE } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("answers match cancelled and leaves the row undelivered", async () => {
  const g = await guarded(t.db);
  const row = await createdRow(g, 7, "ok");
  // Due within the guard's tolerance, but not yet past (a passed row would be swept to sent by the cancel's begin).
  await t.sql`update app_private.schedule_ledger set send_at = now() + interval '2 minutes' where id = ${row.id}`;

  const cancel = await t.sql.reserve();
  const events: string[] = [];
  try {
    const [{ pid }] = (await cancel<{ pid: number }[]>`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    await cancel`begin`;
    const [begun] = await cancel<{ result: { status: string }[] }[]>`
      select public.ledger_begin(p_lease => ${LEASE}, p_token => ${g.token}, p_campaign_id => 'c1',
        p_intents => ${
      cancel.json([{
        action: "cancel",
        match_id: 7,
        id: row.id,
        version: row.version,
        attempt_id: crypto.randomUUID(),
      }])
    }) as result`;
    expect(begun!.result[0]).toMatchObject({ status: "cancelling" });

    const answer = ask(t.db, row.key).then((a) => (events.push("answered"), a));
    // Until the guard has either answered or waits on the row the cancel holds.
    for (;;) {
      if (events.length) break;
      const [{ waiting }] = (await t.sql<{ waiting: number }[]>`
        select count(*)::int as waiting from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'
           and query like '%braze_send_guard%' and pid <> ${pid} and pid <> pg_backend_pid()`) as unknown as [
        { waiting: number },
      ];
      if (waiting > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(events).toEqual([]);

    await cancel`commit`;
    expect(await answer).toEqual({ send: false, reason: "match cancelled" });
  } finally {
    cancel.release();
  }
  const [after] = await t.sql`select status, delivered_by from app_private.schedule_ledger where id = ${row.id}`;
  expect(after).toEqual({ status: "cancelling", delivered_by: null });
});
