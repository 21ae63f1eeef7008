// A sync transaction is held open between two of its statements while the
// deletion saga (request, claim, block, pivot) runs against the same user.
// The rows are stored in the order cal-1, cal-2, cal-3 (heap and key order
// alike). The sync first drops cal-3 (a row lock on it); the saga starts; the
// sync then renames cal-1. A pivot that deleted the calendars without the
// user's write lock would by then have deleted cal-1 and cal-2 and be waiting
// for cal-3, while the rename waits for cal-1: a deadlock. Under the lock the
// saga waits for the sync to commit, and its pivot then deletes everything.
import { afterAll, beforeAll, expect, it } from "vitest";
import { calendar, newUserId, until } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 10 });
});
afterAll(() => t.drop());

const settled = <T>(p: Promise<T>) =>
  p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));

async function deletionSaga(userId: string) {
  await t.db.rpc("user_deletion_request", { p_user_id: userId, p_requested_by: "service_role" });
  const claimed = await t.db.rpc<{ claim_token: string } | null>("user_deletion_claim", {
    p_user_id: userId,
    p_ttl_seconds: 60,
  });
  const key = { p_user_id: userId, p_claim: claimed!.claim_token };
  await t.db.rpc("user_deletion_step_done", { ...key, p_step: "block", p_email: null });
  return t.db.rpc<{ steps: Record<string, unknown> }>("user_deletion_pivot", key);
}

it("the pivot waits for the open sync, never deadlocks with it, and leaves no calendar and no revision", async () => {
  const user = newUserId();
  await t
    .sql`insert into public.managed_calendars (user_id, calendar_id, name) values (${user}, 'cal-1', 'Calendar cal-1')`;
  await t
    .sql`insert into public.managed_calendars (user_id, calendar_id, name) values (${user}, 'cal-2', 'Calendar cal-2')`;
  await t
    .sql`insert into public.managed_calendars (user_id, calendar_id, name) values (${user}, 'cal-3', 'Calendar cal-3')`;

  const open = await t.sql.reserve();
  const [{ pid }] = (await open<{ pid: number }[]>`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
  await open`begin`;
  await open`select public.sync_managed_calendars(${user}::uuid, ${
    open.json([calendar("cal-1", { color: null }), calendar("cal-2", { color: null })] as never)
  }::jsonb, null)`;

  const saga = settled(deletionSaga(user));
  await until(async () => {
    const [row] = await t.sql`select count(*)::int as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and pid <> ${pid}`;
    return row!.n > 0;
  }, "the saga waits on a lock the open sync holds");

  const second = await settled(
    open`select public.sync_managed_calendars(${user}::uuid, ${
      open.json([calendar("cal-1", { name: "Renamed", color: null }), calendar("cal-2", { color: null })] as never)
    }::jsonb, null)`,
  );
  if (second.ok) await open`commit`;
  else await open`rollback`.catch(() => {});
  open.release();
  const pivot = await saga;

  expect(second.ok ? null : String(second.e)).toBeNull();
  expect(pivot.ok ? null : String(pivot.e)).toBeNull();
  expect(pivot.ok && pivot.v.steps).toHaveProperty("pivot");
  const [left] = await t.sql`select
      (select count(*)::int from public.managed_calendars where user_id = ${user}) as calendars,
      (select count(*)::int from public.managed_calendar_revisions where user_id = ${user}) as revisions`;
  expect(left).toEqual({ calendars: 0, revisions: 0 });
});
