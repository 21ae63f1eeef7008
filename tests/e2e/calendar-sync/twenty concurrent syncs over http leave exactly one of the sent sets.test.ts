// Twenty requests of one user (twenty devices syncing at once), each with a
// different set, all in flight at once (held behind the user's lock until all
// twenty are waiting). Afterwards the stored set is exactly one of the sent
// sets, and the returned counts replay in revision order.
import { afterAll, beforeAll, expect, it } from "vitest";
import { mintAccessToken } from "../../../dev/mint-token.ts";
import {
  calendar,
  type CalendarPayload,
  expectedCounts,
  newUserId,
  storedCalendars,
  type SyncCounts,
  until,
} from "../../support/calendars.ts";
import { startTestStack, type TestStack } from "../../support/stack.ts";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

const setNumber = (k: number): CalendarPayload[] =>
  Array.from({ length: 30 }, (_, i) => i)
    .filter((i) => (i + k) % 3 !== 0)
    .map((i) => calendar(`c${String(i).padStart(2, "0")}`, { name: i % 5 === k % 5 ? `v${k}` : `c${i}` }));

it("applies the twenty requests one after the other, never mixing two sets", async () => {
  const user = newUserId();
  const token = await mintAccessToken({ sub: user });
  const post = async (calendars: CalendarPayload[]) => {
    const res = await fetch(stack.url("calendar-sync"), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ calendars }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as SyncCounts;
  };
  const sets = Array.from({ length: 20 }, (_, i) => setNumber(i + 1));

  const holder = await stack.database.sql.reserve();
  await holder`select pg_advisory_lock(hashtextextended('user_writes:' || ${user}, 0))`;
  const pending = sets.map((set) => post(set));
  // The function's pool has 5 connections: five syncs wait on the lock, the
  // other fifteen requests wait for a connection. All twenty are in flight.
  await until(async () => {
    const [row] = await stack.database.sql`
      select count(*)::int as waiting from pg_locks
       where locktype = 'advisory' and not granted
         and database = (select oid from pg_database where datname = current_database())`;
    return row!.waiting === 5;
  }, "the function's connections all wait on the user's lock");
  await holder`select pg_advisory_unlock(hashtextextended('user_writes:' || ${user}, 0))`;
  holder.release();
  const results = await Promise.all(pending);

  const order = results.map((r, set) => ({ ...r, set })).sort((a, b) => a.revision - b.revision);
  expect(order.map((o) => o.revision)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  let model: CalendarPayload[] = [];
  for (const { set, ...counts } of order) {
    expect({ set, ...counts }).toEqual({ set, revision: counts.revision, ...expectedCounts(model, sets[set]!) });
    model = sets[set]!;
  }
  const stored = (await storedCalendars(stack.database.sql, user)).map((r) => [r.calendar_id, r.name]);
  const asRows = (set: CalendarPayload[]) => set.map((c) => [c.calendar_id, c.name]);
  expect(sets.filter((set) => JSON.stringify(asRows(set)) === JSON.stringify(stored))).toHaveLength(1);
  expect(stored).toEqual(asRows(model));
});
