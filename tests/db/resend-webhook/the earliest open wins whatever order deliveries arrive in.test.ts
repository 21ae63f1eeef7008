import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { record, shuffle, times } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 40 });
});
afterAll(() => t.drop());

const row = async (emailId: string) =>
  (await t.sql`
    select status, opened_at, last_opened_at, open_count, first_event_at, sent_at
      from app_private.email_history where email_id = ${emailId}`)[0]!;

it("keeps the earliest open as opened_at for any arrival order (property)", async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 8 }),
      async (offsets) => {
        const emailId = `e-prop-${run++}`;
        const base = Date.UTC(2026, 2, 1);
        const ats = offsets.map((ms) => new Date(base + ms).toISOString());
        for (const at of ats) await record(t.db, { type: "email.opened", at, emailId });
        const r = await row(emailId);
        const sorted = [...ats].sort();
        expect(r.opened_at.toISOString()).toBe(sorted[0]);
        expect(r.last_opened_at.toISOString()).toBe(sorted.at(-1));
        expect(r.open_count).toBe(ats.length);
      },
    ),
    { numRuns: 40 },
  );
});

it("keeps the earliest of 40 concurrent opens, and creates the email an open arrived for before it was sent", async () => {
  const ats = times(40);
  await Promise.all(shuffle(ats).map((at) => record(t.db, { type: "email.opened", at, emailId: "e-race" })));
  // The sent event arrives last of all.
  await record(t.db, { type: "email.sent", at: "2026-03-01T11:59:00.000Z", emailId: "e-race" });

  const r = await row("e-race");
  expect(r.open_count).toBe(40);
  expect(r.opened_at.toISOString()).toBe(ats[0]);
  expect(r.last_opened_at.toISOString()).toBe(ats[39]);
  expect(r.sent_at.toISOString()).toBe("2026-03-01T11:59:00.000Z");
  expect(r.first_event_at.toISOString()).toBe("2026-03-01T11:59:00.000Z");
  // sent ranks below opened: the late sent event does not move the status back.
  expect(r.status).toBe("opened");
});
