// The SQL function is the last line of defence when called without the edge
// function's zod checks: shape errors are refused up front, naming the field.
import { afterAll, beforeAll, expect, it } from "vitest";
import { InvalidInputError } from "../../../src/shared/errors.ts";
import { calendar, calendars, newUserId, storedCalendars, storedRevision, sync } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const cases: [string, unknown, RegExp][] = [
  ["not an array", { calendars: [] }, /calendars: must be an array/],
  ["an element that is not an object", [calendar("a"), 42], /calendars\[1\]: must be an object/],
  [
    "a missing calendar_id",
    [calendar("a"), { name: "x", is_primary: false }],
    /calendars\[1\]\.calendar_id: must be a string/,
  ],
  ["a numeric name", [{ ...calendar("a"), name: 7 }], /calendars\[0\]\.name: must be a string/],
  [
    "is_primary as a string",
    [{ ...calendar("a"), is_primary: "yes" }],
    /calendars\[0\]\.is_primary: must be a boolean/,
  ],
  [
    "settings as an array",
    [{ ...calendar("a"), settings: [1] }],
    /calendars\[0\]\.settings: must be an object or null/,
  ],
  [
    "a duplicate calendar_id",
    [calendar("a"), calendar("b"), calendar("a", { name: "again" })],
    /calendar_id a appears more than once/,
  ],
  ["an empty calendar_id", [calendar("")], /calendar_id: must be 1 to 255 characters/],
  ["more than 1000 calendars", Array.from({ length: 1001 }, (_, i) => calendar(`c${i}`)), /at most 1000 per sync/],
];

it.each(cases)("refuses %s and leaves the calendars as they were", async (_what, payload, message) => {
  const user = newUserId();
  await sync(t.db, user, calendars(["keep-1", "keep-2"]));
  const before = await storedCalendars(t.sql, user);

  const failure = sync(t.db, user, payload);
  await expect(failure).rejects.toBeInstanceOf(InvalidInputError);
  await expect(failure).rejects.toThrow(message);
  expect(await storedCalendars(t.sql, user)).toEqual(before);
  expect(await storedRevision(t.sql, user)).toBe(1);
});
