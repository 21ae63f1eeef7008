// The request is ordered with the user's writes: a sync already running when
// the deletion is requested holds the user's write lock, and the request
// waits for it to commit before it records the saga. So the moment the request
// is answered no write on the user's behalf is still in flight, and every
// later one sees the tombstone and writes nothing. Without that, the running
// sync would commit after the request was answered: calendars written on the
// user's behalf after they asked to be deleted.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ForbiddenError } from "../../../src/shared/errors.ts";
import { calendar, newUserId, storedCalendars, sync } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("answers only after the running sync committed, and refuses the next sync", async () => {
  const user = newUserId();
  const open = await t.sql.reserve();
  const events: string[] = [];
  try {
    const [{ pid }] = (await open<{ pid: number }[]>`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    await open`begin`;
    await open`select public.sync_managed_calendars(${user}::uuid, ${
      open.json([calendar("cal-1")] as never)
    }::jsonb, null)`;

    const request = t.db.rpc<{ created: boolean }>("user_deletion_request", {
      p_user_id: user,
      p_requested_by: "service_role",
    }).then((r) => (events.push("requested"), r));
    // Until the request has either answered or is queued behind a lock.
    for (;;) {
      if (events.length) break;
      const [{ waiting }] = (await t.sql<{ waiting: number }[]>`
        select count(*)::int as waiting from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'
           and query like '%user_deletion_request%' and pid <> ${pid} and pid <> pg_backend_pid()`) as unknown as [
        { waiting: number },
      ];
      if (waiting > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(events).toEqual([]);

    // Recorded before the commit is sent: once it lands, the two answers may
    // reach this process in either order.
    events.push("committing");
    await open`commit`;
    expect(await request).toMatchObject({ created: true });
    expect(events).toEqual(["committing", "requested"]);
  } finally {
    open.release();
  }

  // The sync that was running is there for the pivot to delete; the next one writes nothing.
  expect((await storedCalendars(t.sql, user)).map((c) => c.calendar_id)).toEqual(["cal-1"]);
  await expect(sync(t.db, user, [calendar("cal-2")])).rejects.toBeInstanceOf(ForbiddenError);
  expect((await storedCalendars(t.sql, user)).map((c) => c.calendar_id)).toEqual(["cal-1"]);
});
