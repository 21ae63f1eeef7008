// The connection dies while the sync is provably inside its transaction: it
// has already deleted and written rows (it holds RowExclusiveLock on the
// table) and is blocked on the revision row, which this test holds locked.
// Then its backend is terminated. Postgres rolls the transaction back, so the
// user still has exactly the calendars they had.
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fromPostgres } from "../../../src/shared/db/direct.ts";
import { DbUnavailableError } from "../../../src/shared/errors.ts";
import {
  calendar,
  calendars,
  newUserId,
  storedCalendars,
  storedRevision,
  sync,
  until,
} from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("keeps the previous calendars when the sync's backend is terminated mid-transaction", async () => {
  const user = newUserId();
  await sync(t.db, user, [calendar("work", { settings: { alerts: "15m" } }), ...calendars(["home", "gym", "kids"])]);
  const before = await storedCalendars(t.sql, user);
  const revision = await storedRevision(t.sql, user);

  // The connection the sync will run on, and its backend pid.
  const victim = postgres(t.url, { max: 1, onnotice: () => {} });
  const [{ pid }] = (await victim`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];

  // Hold the user's revision row: the sync bumps it last, after its writes.
  const holder = postgres(t.url, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: (pid: number) => void;
  const holderPid = new Promise<number>((r) => (locked = r));
  const holding = holder.begin(async (tx) => {
    await tx`select 1 from public.managed_calendar_revisions where user_id = ${user} for update`;
    const [row] = await tx`select pg_backend_pid() as pid`;
    locked(row!.pid as number);
    await released;
  });
  const blockerPid = await holderPid;

  const pending = sync(fromPostgres(victim), user, [
    calendar("work", { name: "Work (new)" }),
    ...calendars(["travel", "book club"]),
  ]);
  pending.catch(() => {}); // observed below

  // Provably mid-transaction: blocked by our lock, with the table already written.
  await until(async () => {
    const [row] = await t.sql`select ${blockerPid}::int = any(pg_blocking_pids(${pid}::int)) as blocked`;
    return row!.blocked === true;
  }, "the sync waits on the held revision row");
  const locks = await t.sql`
    select mode from pg_locks
     where pid = ${pid}::int and relation = 'public.managed_calendars'::regclass and granted`;
  expect(locks.map((l) => l.mode)).toContain("RowExclusiveLock");

  const [{ terminated }] = (await t.sql`select pg_terminate_backend(${pid}::int) as terminated`) as unknown as [
    { terminated: boolean },
  ];
  expect(terminated).toBe(true);
  await expect(pending).rejects.toBeInstanceOf(DbUnavailableError);

  release();
  await holding;
  await holder.end();
  await victim.end({ timeout: 1 });

  expect(await storedCalendars(t.sql, user)).toEqual(before);
  expect(await storedRevision(t.sql, user)).toBe(revision);
});
