// The per-user lock is per user: while one user's sync is held up, another
// user's sync completes.
import { afterAll, beforeAll, expect, it } from "vitest";
import { calendars, newUserId, storedCalendars, sync, until } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("completes bob's sync while alice's waits for her lock", async () => {
  const alice = newUserId();
  const bob = newUserId();
  const holder = await t.sql.reserve();
  await holder`select pg_advisory_lock(hashtextextended('user_writes:' || ${alice}, 0))`;

  let aliceDone = false;
  const aliceSync = sync(t.db, alice, calendars(["a"])).then((r) => ((aliceDone = true), r));
  await until(async () => {
    const [row] = await t.sql`select count(*)::int as waiting from pg_locks
       where locktype = 'advisory' and not granted
         and database = (select oid from pg_database where datname = current_database())`;
    return row!.waiting === 1;
  }, "alice's sync waits on her lock");

  expect(await sync(t.db, bob, calendars(["b1", "b2"]))).toMatchObject({ inserted: 2, revision: 1 });
  expect(aliceDone).toBe(false);

  await holder`select pg_advisory_unlock(hashtextextended('user_writes:' || ${alice}, 0))`;
  holder.release();
  expect(await aliceSync).toMatchObject({ inserted: 1, revision: 1 });
  expect(await storedCalendars(t.sql, alice)).toHaveLength(1);
});
