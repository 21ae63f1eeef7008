// Twenty syncs of one user, each with a different set, truly overlapping: all
// twenty are started while the user's sync lock is held, and released only
// once every one of them is waiting on it. Afterwards the stored set is one of
// the sent sets, never a mix, and replaying the sets in the order the
// revisions say they applied reproduces every count that was returned.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  calendar,
  type CalendarPayload,
  expectedCounts,
  newUserId,
  storedCalendars,
  sync,
  until,
} from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 30 });
});
afterAll(() => t.drop());

/** Set k: a different slice of 40 calendar ids, some renamed, one primary. */
function setNumber(k: number): CalendarPayload[] {
  const ids = Array.from({ length: 40 }, (_, i) => i).filter((i) => (i + k) % 4 !== 0 && (i * k) % 7 !== 3);
  return ids.map((i) =>
    calendar(`cal-${i}`, { name: i % 3 === k % 3 ? `Calendar ${i} v${k}` : `Calendar ${i}`, is_primary: i === ids[0] })
  );
}

const essence = (rows: readonly { calendar_id: string; name: string; color?: string | null; is_primary: boolean }[]) =>
  rows.map((r) => ({ calendar_id: r.calendar_id, name: r.name, color: r.color ?? null, is_primary: r.is_primary }));

it("applies twenty overlapping syncs one after the other, leaving exactly the last one's set", async () => {
  const user = newUserId();
  const initial = setNumber(0);
  const first = await sync(t.db, user, initial);
  const sets = Array.from({ length: 20 }, (_, i) => setNumber(i + 1));
  const distinct = new Set(sets.map((s) => JSON.stringify(essence(s))));
  expect(distinct.size).toBe(20);

  // Hold the user's lock so that all twenty are provably in flight together.
  const holder = await t.sql.reserve();
  await holder`select pg_advisory_lock(hashtextextended('user_writes:' || ${user}, 0))`;
  const results = sets.map((set) => sync(t.db, user, set));
  await until(async () => {
    const [row] = await t.sql`select count(*)::int as waiting from pg_locks
       where locktype = 'advisory' and not granted
         and database = (select oid from pg_database where datname = current_database())`;
    return row!.waiting === 20;
  }, "all twenty syncs wait on the user's lock");
  await holder`select pg_advisory_unlock(hashtextextended('user_writes:' || ${user}, 0))`;
  holder.release();
  const counts = await Promise.all(results);

  // Each changed something, so each got its own revision: the order they applied in.
  const order = counts.map((c, i) => ({ ...c, set: i })).sort((a, b) => a.revision - b.revision);
  expect(order.map((o) => o.revision)).toEqual(Array.from({ length: 20 }, (_, i) => first.revision + 1 + i));

  let model = initial;
  for (const applied of order) {
    const set = sets[applied.set]!;
    const { set: _index, ...returned } = applied;
    expect({ set: applied.set, ...returned }).toEqual({
      set: applied.set,
      revision: applied.revision,
      ...expectedCounts(model, set),
    });
    model = set;
  }

  // Byte order, as the database's C collation sorts calendar_id.
  const byId = (a: { calendar_id: string }, b: { calendar_id: string }) =>
    a.calendar_id < b.calendar_id ? -1 : a.calendar_id > b.calendar_id ? 1 : 0;
  const sorted = (set: CalendarPayload[]) => essence([...set].sort(byId));
  const stored = essence((await storedCalendars(t.sql, user)) as never);
  expect(sets.filter((set) => JSON.stringify(sorted(set)) === JSON.stringify(stored))).toHaveLength(1);
  expect(stored).toEqual(sorted(model));
});
