import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { record } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const statusOf = async (emailId: string) =>
  (await t.sql`select status, delivered_at, bounced_at from app_private.email_history where email_id = ${emailId}`)[0]!;

it("keeps bounced when a delivered event arrives after it", async () => {
  await record(t.db, { type: "email.sent", at: "2026-03-01T12:00:00.000Z", emailId: "e-bounce" });
  await record(t.db, { type: "email.bounced", at: "2026-03-01T12:00:05.000Z", emailId: "e-bounce" });
  // Resend retried the delivered event for hours; it arrives last.
  const late = await record(t.db, { type: "email.delivered", at: "2026-03-01T12:00:02.000Z", emailId: "e-bounce" });

  expect(late).toMatchObject({ duplicate: false, applied: true });
  const row = await statusOf("e-bounce");
  expect(row.status).toBe("bounced");
  // The late event is still recorded, in its own column.
  expect(row.delivered_at.toISOString()).toBe("2026-03-01T12:00:02.000Z");
  expect(row.bounced_at.toISOString()).toBe("2026-03-01T12:00:05.000Z");
});

it("keeps complained when delivered, opened and delivery_delayed arrive after it", async () => {
  await record(t.db, { type: "email.complained", at: "2026-03-01T13:00:00.000Z", emailId: "e-spam" });
  for (const type of ["email.delivered", "email.opened", "email.delivery_delayed", "email.sent"]) {
    await record(t.db, { type, at: "2026-03-01T12:59:00.000Z", emailId: "e-spam" });
  }
  expect((await statusOf("e-spam")).status).toBe("complained");
});

it("moves forward from delivered to bounced", async () => {
  await record(t.db, { type: "email.delivered", at: "2026-03-01T12:00:00.000Z", emailId: "e-forward" });
  expect((await statusOf("e-forward")).status).toBe("delivered");
  await record(t.db, { type: "email.bounced", at: "2026-03-01T12:01:00.000Z", emailId: "e-forward" });
  expect((await statusOf("e-forward")).status).toBe("bounced");
});
