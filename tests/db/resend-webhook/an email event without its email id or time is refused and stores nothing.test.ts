// An event about an email (opened, clicked, bounced...) must say which email
// and when: without them it cannot be counted or ordered, and storing it would
// keep a recipient's data attached to nothing that a forget could find.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const counts = async () =>
  (await t.sql`select (select count(*)::int from app_private.resend_webhook_deliveries) as deliveries,
                      (select count(*)::int from app_private.email_history) as emails`)[0];

it.each([
  { what: "no email id", emailId: null, at: "2030-01-01T10:00:00Z" },
  { what: "an empty email id", emailId: "", at: "2030-01-01T10:00:00Z" },
  { what: "no time", emailId: "em_1", at: null },
])("an email.opened with $what is invalid input", async ({ emailId, at }) => {
  const before = await counts();
  await expect(
    t.db.rpc("record_resend_webhook", {
      p_svix_id: `msg_${crypto.randomUUID()}`,
      p_event_type: "email.opened",
      p_payload: { type: "email.opened", data: {} },
      p_occurred_at: at,
      p_email_id: emailId,
      p_to: ["someone@example.test"],
      p_subject: "Hello",
    }),
  ).rejects.toMatchObject({ name: "InvalidInputError" });
  expect(await counts()).toEqual(before);
});
