// The hazard: delete everything, then insert; when the insert failed the
// user's calendars were gone. Here the failing row is the 300th, found by the
// table's own constraint after the deletes and 299 inserts already ran inside
// the transaction: all of it must roll back.
import { afterAll, beforeAll, expect, it } from "vitest";
import { InvalidInputError } from "../../../src/shared/errors.ts";
import { calendar, newUserId, storedCalendars, storedRevision, sync } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function userWithTenCalendars() {
  const user = newUserId();
  await sync(
    t.db,
    user,
    Array.from({ length: 10 }, (_, i) => calendar(`old-${i}`, { settings: { reminders: i }, is_primary: i === 0 })),
  );
  return { user, before: await storedCalendars(t.sql, user), revision: await storedRevision(t.sql, user) };
}

it("rolls back the deletes and 299 inserts when the 300th new calendar's name is too long for the table", async () => {
  const { user, before, revision } = await userWithTenCalendars();
  // Keep none of the old ones, so every old row is deleted before the insert fails.
  const payload = Array.from({ length: 300 }, (_, i) => calendar(`new-${i}`));
  payload[299] = calendar("new-299", { name: "x".repeat(300) });

  const failure = sync(t.db, user, payload);
  await expect(failure).rejects.toBeInstanceOf(InvalidInputError);
  // The table constraint said no (not an up-front check), and the error names the field.
  await expect(failure).rejects.toThrow(
    /name: must be 1 to 255 characters \(constraint managed_calendars_name_length\)/,
  );

  expect(await storedCalendars(t.sql, user)).toEqual(before);
  expect(await storedRevision(t.sql, user)).toBe(revision);
});

it("rolls back when the constraint breaks on a calendar being updated, after the deletes", async () => {
  const { user, before, revision } = await userWithTenCalendars();
  const payload = [
    // old-0..old-4 deleted, old-5..old-8 renamed, old-9 gets settings the table refuses.
    ...Array.from({ length: 4 }, (_, i) => calendar(`old-${i + 5}`, { name: `renamed ${i}` })),
    calendar("old-9", { settings: { note: "é".repeat(5000) } }),
    ...Array.from({ length: 295 }, (_, i) => calendar(`new-${i}`)),
  ];

  await expect(sync(t.db, user, payload)).rejects.toThrow(/settings: must be at most 8192 bytes/);

  expect(await storedCalendars(t.sql, user)).toEqual(before);
  expect(await storedRevision(t.sql, user)).toBe(revision);
});
