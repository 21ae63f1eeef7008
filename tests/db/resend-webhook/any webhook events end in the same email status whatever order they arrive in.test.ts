// Resend delivers webhooks in no guaranteed order and retries for hours, so
// the same events for one email can arrive in any order. Through the real
// record_resend_webhook: every pair of event types, in both orders, ends in
// the same row; and so does any multiset of events under any shuffle
// (property). Status ties would let arrival order decide (two outcomes of the
// same rank: whichever came first stays), so every status needs its own rank.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { EMAIL_EVENT_TYPES, type EmailEventType } from "../../../src/shared/jobs/resend-webhook/event.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { record } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

interface Event {
  type: EmailEventType;
  at: string;
}

let emails = 0;

/** Applies `events` in the given order to a fresh email and returns its row, minus the id and bookkeeping times. */
async function apply(events: readonly Event[]): Promise<Record<string, unknown>> {
  const emailId = `e-order-${emails++}`;
  for (const e of events) {
    await record(t.db, {
      type: e.type,
      at: e.at,
      emailId,
      click: e.type === "email.clicked" ? { link: "https://example.com/match", timestamp: e.at } : undefined,
    });
  }
  const [row] = await t.sql`
    select h.*, (select count(*)::int from app_private.email_clicks c where c.email_id = h.email_id) as clicks
      from app_private.email_history h where h.email_id = ${emailId}`;
  const { email_id: _id, created_at: _c, updated_at: _u, ...rest } = row!;
  return rest;
}

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 12, minute)).toISOString();

it("ends every pair of event types in the same row in either order", async () => {
  const differing: string[] = [];
  for (const [i, a] of EMAIL_EVENT_TYPES.entries()) {
    for (const b of EMAIL_EVENT_TYPES.slice(i)) {
      const first: Event = { type: a, at: at(1) };
      const second: Event = { type: b, at: at(2) };
      const forward = await apply([first, second]);
      const backward = await apply([second, first]);
      if (JSON.stringify(forward) !== JSON.stringify(backward)) {
        differing.push(`${a} + ${b}: ${String(forward.status)} vs ${String(backward.status)}`);
      }
    }
  }
  expect(differing).toEqual([]);
});

it("ends any set of events in the same row under any shuffle (property)", async () => {
  const event = fc.record({
    type: fc.constantFrom(...EMAIL_EVENT_TYPES),
    at: fc.integer({ min: 0, max: 59 }).map(at),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(event, { minLength: 1, maxLength: 6 }).chain((events) =>
        fc.tuple(
          fc.constant(events),
          fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        )
      ),
      async ([events, shuffled]) => {
        expect(await apply(shuffled)).toEqual(await apply(events));
      },
    ),
    { numRuns: 60 },
  );
});
