// A body of an event type this project does not apply (a contact.* event, a
// type Resend adds later) is kept for a later replay, but only for
// email_privacy_settings.unknown_payload_retention (24 h by default): it can
// hold anyone's address. Writes null the expired bodies a bounded batch at a
// time. The row (type, time, svix-id for deduplication) stays.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const contact = (svix: string) =>
  t.db.rpc("record_resend_webhook", {
    p_svix_id: svix,
    p_event_type: "contact.created",
    p_payload: {
      type: "contact.created",
      created_at: "2026-03-01T12:00:00.000Z",
      data: { email: `${svix}@example.com` },
    },
    p_occurred_at: "2026-03-01T12:00:00.000Z",
  });

const stored = async (svix: string) =>
  (await t.sql`
    select payload is not null as has_payload, extract(epoch from payload_expires_at - received_at)::int as kept_seconds
      from app_private.resend_webhook_deliveries where svix_id = ${svix}`)[0];

it("keeps the body for the default 24 hours, and no longer", async () => {
  await contact("fresh");
  expect(await stored("fresh")).toEqual({ has_payload: true, kept_seconds: 86400 });
});

it("drops the body once the retention has passed, keeping the delivery row", async () => {
  await t.sql`update app_private.email_privacy_settings set unknown_payload_retention = '0'`;
  await contact("expired");
  await t.sql`update app_private.email_privacy_settings set unknown_payload_retention = '24 hours'`;
  await contact("next");
  expect(await stored("expired")).toEqual({ has_payload: false, kept_seconds: 0 });
  expect(await stored("next")).toEqual({ has_payload: true, kept_seconds: 86400 });
});

it("refuses a retention longer than 30 days", async () => {
  await expect(t.sql`update app_private.email_privacy_settings set unknown_payload_retention = '31 days'`).rejects
    .toThrow(
      /check constraint/,
    );
});
