// What a user can do with their access token through PostgREST: read their
// own calendars (RLS), nothing else. Writes go only through the sync function,
// and that function is not callable by users (it takes a user id).
import { afterAll, beforeAll, expect, it } from "vitest";
import { calendars, newUserId, storedCalendars, sync } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
const alice = newUserId();
const bob = newUserId();
beforeAll(async () => {
  t = await createTestDatabase();
  await sync(t.db, alice, calendars(["alice-work", "alice-home"]));
  await sync(t.db, bob, calendars(["bob-work"]));
});
afterAll(() => t.drop());

/** Runs `statement` as PostgREST would for a request carrying `claims`, and rolls back. */
async function as(role: string, sub: string | null, statement: string): Promise<{ rows?: unknown[]; code?: string }> {
  try {
    const rows = await t.sql.begin(async (tx) => {
      await tx`select set_config('role', ${role}, true),
                      set_config('request.jwt.claims', ${JSON.stringify(sub ? { sub, role } : { role })}, true)`;
      const result = await tx.unsafe(statement);
      throw Object.assign(new Error("rollback"), { rows: [...result] });
    });
    return { rows };
  } catch (e) {
    const err = e as { rows?: unknown[]; code?: string };
    return err.rows ? { rows: err.rows } : { code: err.code };
  }
}

it("shows alice her calendars and revision, and none of bob's", async () => {
  expect(await as("authenticated", alice, "select calendar_id from public.managed_calendars order by 1")).toEqual({
    rows: [{ calendar_id: "alice-home" }, { calendar_id: "alice-work" }],
  });
  expect(await as("authenticated", alice, `select user_id from public.managed_calendar_revisions`)).toEqual({
    rows: [{ user_id: alice }],
  });
  expect(await as("authenticated", alice, `select * from public.managed_calendars where user_id = '${bob}'`)).toEqual({
    rows: [],
  });
});

it("refuses anonymous reads", async () => {
  expect(await as("anon", null, "select * from public.managed_calendars")).toEqual({ code: "42501" });
});

it.each([
  [
    "insert a calendar for bob",
    `insert into public.managed_calendars (user_id, calendar_id, name) values ('${bob}', 'x', 'x')`,
  ],
  [
    "insert her own calendar",
    `insert into public.managed_calendars (user_id, calendar_id, name) values ('${alice}', 'x', 'x')`,
  ],
  ["rename bob's calendars", `update public.managed_calendars set name = 'pwned'`],
  ["delete calendars", `delete from public.managed_calendars`],
  ["bump a revision", `update public.managed_calendar_revisions set revision = 99`],
  ["sync bob's calendars through the RPC", `select public.sync_managed_calendars('${bob}', '[]'::jsonb)`],
])("refuses to let alice %s", async (_what, statement) => {
  expect(await as("authenticated", alice, statement)).toEqual({ code: "42501" });
});

it("refuses the service role direct inserts, updates and deletes too: only the project's functions write calendars", async () => {
  // The sync and the deletion saga's pivot change these rows as their owner;
  // no API role holds a write privilege on any table.
  expect(
    await as(
      "service_role",
      null,
      `insert into public.managed_calendars (user_id, calendar_id, name) values ('${bob}', 'y', 'y')`,
    ),
  ).toEqual({ code: "42501" });
  expect(await as("service_role", null, `update public.managed_calendars set name = 'pwned'`)).toEqual({
    code: "42501",
  });
  expect(await as("service_role", null, `update public.managed_calendar_revisions set revision = 99`)).toEqual({
    code: "42501",
  });
  expect(await as("service_role", null, `delete from public.managed_calendars`)).toEqual({ code: "42501" });
  expect(await as("service_role", null, `delete from public.managed_calendar_revisions`)).toEqual({ code: "42501" });
  expect((await as("service_role", null, `select public.sync_managed_calendars('${bob}', '[]'::jsonb) as r`)).rows)
    .toHaveLength(1);
  expect(await storedCalendars(t.sql, bob)).toHaveLength(1); // that call was rolled back
});
