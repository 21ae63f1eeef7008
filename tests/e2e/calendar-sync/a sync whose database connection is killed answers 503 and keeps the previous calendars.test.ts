// The served function's database connection is terminated while its sync is
// inside the transaction (blocked on the revision row this test holds, after
// its deletes and writes). The caller gets a 503, the user keeps exactly the
// calendars they had, and the next sync works on a fresh connection.
import { afterAll, beforeAll, expect, it } from "vitest";
import { mintAccessToken } from "../../../dev/mint-token.ts";
import { calendar, calendars, newUserId, storedCalendars, storedRevision, until } from "../../support/calendars.ts";
import { startTestStack, type TestStack } from "../../support/stack.ts";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

it("answers 503 and leaves the calendars as they were", async () => {
  const user = newUserId();
  const token = await mintAccessToken({ sub: user });
  const post = (body: unknown) =>
    fetch(stack.url("calendar-sync"), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  expect(
    (await post({ calendars: [calendar("work", { settings: { alerts: "15m" } }), ...calendars(["home", "gym"])] }))
      .status,
  ).toBe(200);
  const before = await storedCalendars(stack.database.sql, user);
  const revision = await storedRevision(stack.database.sql, user);

  const holder = await stack.database.sql.reserve();
  await holder`begin`;
  await holder`select 1 from public.managed_calendar_revisions where user_id = ${user} for update`;
  const [{ pid: holderPid }] = (await holder`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];

  const response = post({ calendars: [calendar("work", { name: "Work (new)" }), ...calendars(["travel"])] });
  let victim = 0;
  await until(async () => {
    const rows = await stack.database.sql`
      select pid from pg_stat_activity
       where datname = current_database() and query ilike '%sync_managed_calendars%'
         and ${holderPid}::int = any(pg_blocking_pids(pid))`;
    victim = (rows[0]?.pid as number | undefined) ?? 0;
    return victim !== 0;
  }, "the function's sync waits on the held revision row");
  await stack.database.sql`select pg_terminate_backend(${victim}::int)`;

  const res = await response;
  expect(res.status).toBe(503);
  expect(await res.json()).toMatchObject({ error: "db_unavailable" });
  await holder`rollback`;
  holder.release();

  expect(await storedCalendars(stack.database.sql, user)).toEqual(before);
  expect(await storedRevision(stack.database.sql, user)).toBe(revision);

  // The function recovers: the same request now goes through.
  const retry = await post({ calendars: [calendar("work", { name: "Work (new)" }), ...calendars(["travel"])] });
  expect(await retry.json()).toEqual({ inserted: 1, updated: 1, deleted: 2, unchanged: 0, revision: revision + 1 });
  expect((await storedCalendars(stack.database.sql, user)).find((r) => r.calendar_id === "work")!.settings).toEqual({
    alerts: "15m",
  });
});
