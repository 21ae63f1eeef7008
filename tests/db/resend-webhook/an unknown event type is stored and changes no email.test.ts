import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("stores a contact.created delivery, acknowledges it and leaves email_history alone", async () => {
  const payload = { type: "contact.created", created_at: "2026-03-01T12:00:00.000Z", data: { id: "c1" } };
  const outcome = await t.db.rpc("record_resend_webhook", {
    p_svix_id: "msg_contact_1",
    p_event_type: "contact.created",
    p_payload: payload,
    p_occurred_at: "2026-03-01T12:00:00.000Z",
  });
  expect(outcome).toMatchObject({ duplicate: false, applied: false, event_type: "contact.created" });
  const [delivery] = await t
    .sql`select event_type, payload from app_private.resend_webhook_deliveries where svix_id = 'msg_contact_1'`;
  expect(delivery).toEqual({ event_type: "contact.created", payload });
  expect(await t.sql`select * from app_private.email_history`).toHaveLength(0);
});

it("rejects an email event without an email_id and stores nothing", async () => {
  await expect(
    t.db.rpc("record_resend_webhook", {
      p_svix_id: "msg_bad_1",
      p_event_type: "email.opened",
      p_payload: {},
      p_occurred_at: "2026-03-01T12:00:00.000Z",
    }),
  ).rejects.toMatchObject({ kind: "invalid_input" });
  expect(await t.sql`select * from app_private.resend_webhook_deliveries where svix_id = 'msg_bad_1'`).toHaveLength(0);
});
