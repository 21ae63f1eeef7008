// Twenty begins that really overlap: another transaction holds the row while
// all twenty arrive, and is released only once Postgres shows every one of them
// waiting on a lock. Without the row lock in broadcast_begin, each would read
// the row as draft before the first one's update and all twenty would start.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { draft, inHours } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 24 });
});
afterAll(async () => t?.drop());

test("twenty concurrent schedule begins: one starts, nineteen see it in flight", async () => {
  const created = await draft(t.db);
  const publishAt = inHours(24);

  // Hold the row (as an editor's slow transaction would) on a reserved connection.
  const holder = await t.sql.reserve();
  await holder`begin`;
  await holder`select id from app_private.broadcasts where id = ${created.id} for update`;
  const holderPid = (await holder`select pg_backend_pid() as pid`)[0]!.pid as number;

  const begins = Array.from(
    { length: 20 },
    () =>
      t.db.rpc<{ started: boolean; row: { send_status: string; operation_key: string } }>("broadcast_begin", {
        p_id: created.id,
        p_action: "schedule",
        p_publish_at: publishAt,
      }),
  );
  // Every begin is inside broadcast_begin, waiting on a lock the holder (or a begin queued behind it) keeps.
  await expect.poll(async () => {
    const [row] = await t.sql`
      select count(*)::int as waiting from pg_stat_activity
       where wait_event_type = 'Lock' and query like '%broadcast_begin%' and pid <> ${holderPid}`;
    return row!.waiting;
  }, { timeout: 30_000, interval: 50 }).toBe(20);

  await holder`commit`;
  holder.release();
  const results = await Promise.all(begins);

  const started = results.filter((r) => r.started);
  expect(started).toHaveLength(1);
  expect(results.filter((r) => !r.started).map((r) => r.row.send_status)).toEqual(Array(19).fill("scheduling"));
  const [row] = await t
    .sql`select send_status, operation_key, previous_status from app_private.broadcasts where id = ${created.id}`;
  expect(row).toMatchObject({
    send_status: "scheduling",
    previous_status: "draft",
    operation_key: started[0]!.row.operation_key,
  });
});
