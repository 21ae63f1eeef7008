// A calendar that stays in the set keeps the user's own settings and its
// created_at, unless the sync sends settings for it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { calendar, newUserId, storedCalendars, sync } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const row = async (user: string, id: string) => (await storedCalendars(t.sql, user)).find((r) => r.calendar_id === id)!;

it("keeps settings and created_at through syncs that omit settings or send null, even when other fields change", async () => {
  const user = newUserId();
  const mine = { reminders: [{ minutes: 15 }], hidden: false, notify: "email" };
  await sync(t.db, user, [calendar("work", { settings: mine }), calendar("home")]);
  const created = await row(user, "work");

  const renamed = await sync(t.db, user, [
    calendar("work", { name: "Work (renamed)", color: "#000000" }),
    calendar("gym"),
  ]);
  expect(renamed).toMatchObject({ inserted: 1, updated: 1, deleted: 1, unchanged: 0 });
  let work = await row(user, "work");
  expect(work.settings).toEqual(mine);
  expect(work.name).toBe("Work (renamed)");
  expect(work.created_at).toBe(created.created_at);

  const withNull = await sync(t.db, user, [
    calendar("work", { name: "Work (renamed)", color: "#000000", settings: null }),
    calendar("gym"),
  ]);
  expect(withNull).toMatchObject({ inserted: 0, updated: 0, deleted: 0, unchanged: 2 });
  work = await row(user, "work");
  expect(work.settings).toEqual(mine);
});

it("replaces settings when the sync sends them, and counts that as an update", async () => {
  const user = newUserId();
  await sync(t.db, user, [calendar("work", { settings: { notify: "email" } })]);
  const created = await row(user, "work");

  const result = await sync(t.db, user, [calendar("work", { settings: { notify: "push" } })]);
  expect(result).toMatchObject({ inserted: 0, updated: 1, deleted: 0, unchanged: 0 });
  const work = await row(user, "work");
  expect(work.settings).toEqual({ notify: "push" });
  expect(work.created_at).toBe(created.created_at);

  // The same settings again: nothing to do.
  expect(await sync(t.db, user, [calendar("work", { settings: { notify: "push" } })])).toMatchObject({
    updated: 0,
    unchanged: 1,
  });
});

it("gives a calendar that leaves and comes back fresh settings: deleted means deleted", async () => {
  const user = newUserId();
  await sync(t.db, user, [calendar("work", { settings: { notify: "email" } })]);
  await sync(t.db, user, [calendar("home")]);
  await sync(t.db, user, [calendar("work"), calendar("home")]);
  expect((await row(user, "work")).settings).toEqual({});
});
