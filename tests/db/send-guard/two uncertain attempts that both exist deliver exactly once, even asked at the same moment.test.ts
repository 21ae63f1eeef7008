// A create whose answer was lost is made again under a new guard key, so
// both schedules may exist at Braze and both fire at the send time. The
// guard must let exactly one deliver, also when both keys ask at once: the
// first claim holds the row while the second waits, then the second sees the
// claim and aborts.
import { expect } from "vitest";
import { ask, beginOn, createdRow, delivery, dueNow, settle } from "./fixtures.ts";
import { test } from "./stack.ts";

test("gives the first key the delivery, keeps its yes for every later ask, and refuses the other key", async ({ t, g }) => {
  const first = await createdRow(g, 7, "uncertain");
  const retry = await beginOn(g, first, "retry_create");
  expect(retry).toMatchObject({ status: "creating" });
  await settle(g, [{ id: retry.id, version: retry.version, outcome: "uncertain" }]);
  expect(retry.guard_key).not.toBe(first.key);
  await dueNow(t.sql, first.id);

  // Key A asks inside a transaction that is held open after its claim.
  const held = await t.sql.reserve();
  let second: Promise<{ send: boolean; reason: string }> | undefined;
  try {
    await held`begin`;
    const [a] = await held<{ answer: { send: boolean } }[]>`
      select public.braze_send_guard(p_key => ${first.key}::uuid, p_tolerance_seconds => 600) as answer`;
    expect(a!.answer.send).toBe(true);

    // Key B asks meanwhile: it must wait for A's claim, not decide on its own.
    const settled: string[] = [];
    second = ask(t.db, retry.guard_key).then((answer) => (settled.push("b"), answer));
    for (;;) {
      const [{ waiting }] = (await t.sql<{ waiting: number }[]>`
        select count(*)::int as waiting from pg_stat_activity
         where wait_event_type = 'Lock' and query like '%braze_send_guard%' and pid <> pg_backend_pid()`) as unknown as [
        { waiting: number },
      ];
      if (waiting > 0 || settled.length) break;
      await new Promise((r) => setImmediate(r));
    }
    expect(settled).toEqual([]);
    await held`commit`;
  } finally {
    held.release();
  }
  expect(await second).toEqual({ send: false, reason: "another schedule of this match delivered" });

  // Every later recipient: the same answers.
  expect((await ask(t.db, first.key)).send).toBe(true);
  expect((await ask(t.db, retry.guard_key)).send).toBe(false);
  expect(await delivery(t.sql, first.id)).toEqual({ status: "sent", delivered_by: first.key });
});
