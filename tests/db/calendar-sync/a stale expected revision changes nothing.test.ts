// A client that synced from an old view passes the revision it saw; if
// another sync landed since, it gets a conflict and nothing changes, instead
// of silently undoing the newer sync.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ConflictError } from "../../../src/shared/errors.ts";
import { calendars, newUserId, storedCalendars, storedRevision, sync } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("refuses a sync whose expected revision is stale and keeps the newer calendars", async () => {
  const user = newUserId();
  const phone = await sync(t.db, user, calendars(["a", "b"]), 0);
  expect(phone.revision).toBe(1);
  const laptop = await sync(t.db, user, calendars(["a", "b", "c"]), 1);
  expect(laptop).toMatchObject({ inserted: 1, revision: 2 });
  const before = await storedCalendars(t.sql, user);

  // The phone still believes revision 1 and would delete "c".
  const stale = sync(t.db, user, calendars(["a"]), 1);
  await expect(stale).rejects.toBeInstanceOf(ConflictError);
  await expect(stale).rejects.toThrow(/since revision 1; the current revision is 2/);
  expect(await storedCalendars(t.sql, user)).toEqual(before);
  expect(await storedRevision(t.sql, user)).toBe(2);

  // With the current revision it goes through.
  expect(await sync(t.db, user, calendars(["a"]), 2)).toMatchObject({ deleted: 2, unchanged: 1, revision: 3 });
});

it("does not move the revision for a sync that changes nothing", async () => {
  const user = newUserId();
  await sync(t.db, user, calendars(["a", "b"]));
  expect(await sync(t.db, user, calendars(["a", "b"]))).toEqual({
    inserted: 0,
    updated: 0,
    deleted: 0,
    unchanged: 2,
    revision: 1,
  });
  // So another client's expected revision is still good.
  expect(await sync(t.db, user, calendars(["b"]), 1)).toMatchObject({ deleted: 1, revision: 2 });
});
