// After forget_email_recipients (the delete-user pivot calls it), deliveries
// about that recipient keep arriving: an email sent just before the deletion
// reports on itself for hours (Resend retries for about a day), and the
// deletion's own Resend contact removal sends contact.deleted, whose
// data.email is the address (https://resend.com/docs/webhooks/event-types).
// None of them may store the address, subject, tags or body; counts may stay.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { newSvixId, record } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.rpc("forget_email_recipients", { p_addresses: ["Leaver@Example.com"] });
});
afterAll(() => t.drop());

const contactEvent = (type: string, email: string) => ({
  type,
  created_at: "2026-03-01T12:05:00.000Z",
  data: { id: "c_1", audience_id: "aud_members", email, first_name: "Lea", unsubscribed: false },
});

it("stores an email first reported after the forget without address, subject, tags or body, and counts it", async () => {
  await record(t.db, {
    type: "email.delivered",
    at: "2026-03-01T12:00:00Z",
    emailId: "e-late",
    to: ["leaver@example.com"],
  });
  await record(t.db, {
    type: "email.opened",
    at: "2026-03-01T12:01:00Z",
    emailId: "e-late",
    to: [" LEAVER@example.com"],
  });
  const [row] = await t.sql`
    select to_addresses, subject, tags, event_count, open_count, forgotten_at is not null as forgotten
      from app_private.email_history where email_id = 'e-late'`;
  expect(row).toEqual({ to_addresses: [], subject: null, tags: null, event_count: 2, open_count: 1, forgotten: true });
  const payloads = await t.sql`select payload from app_private.resend_webhook_deliveries where email_id = 'e-late'`;
  expect(payloads).toEqual([{ payload: null }, { payload: null }]);
});

it("stores a contact.deleted about the forgotten address without its body, and keeps other contacts' bodies", async () => {
  for (const [svix, email] of [["msg_gone", "leaver@example.com"], ["msg_other", "stays@example.com"]] as const) {
    await t.db.rpc("record_resend_webhook", {
      p_svix_id: svix,
      p_event_type: "contact.deleted",
      p_payload: contactEvent("contact.deleted", email),
      p_occurred_at: "2026-03-01T12:05:00.000Z",
    });
  }
  const rows = await t.sql`
    select svix_id, event_type, payload is not null as has_payload from app_private.resend_webhook_deliveries
     where svix_id in ('msg_gone', 'msg_other') order by svix_id`;
  expect(rows).toEqual([
    { svix_id: "msg_gone", event_type: "contact.deleted", has_payload: false },
    { svix_id: "msg_other", event_type: "contact.deleted", has_payload: true },
  ]);
});

it("scrubs, at the forget, a contact event stored before it", async () => {
  await t.db.rpc("record_resend_webhook", {
    p_svix_id: "msg_before",
    p_event_type: "contact.updated",
    p_payload: contactEvent("contact.updated", "Second@Example.com"),
    p_occurred_at: "2026-03-01T12:05:00.000Z",
  });
  await t.db.rpc("forget_email_recipients", { p_addresses: ["second@example.com"] });
  const [row] = await t.sql`select payload from app_private.resend_webhook_deliveries where svix_id = 'msg_before'`;
  expect(row).toEqual({ payload: null });
});

it("keeps the recipient only as an HMAC under the database's key, never the address or its plain hash", async () => {
  const [settings] = await t.sql<
    { key: Buffer }[]
  >`select recipient_hmac_key as key from app_private.email_privacy_settings`;
  const rows = await t.sql<{ h: Buffer }[]>`select recipient_hmac as h from app_private.forgotten_email_recipients`;
  const hex = rows.map((r) => r.h.toString("hex")).sort();
  const hmac = (a: string) => createHmac("sha256", settings!.key).update(a).digest("hex");
  expect(hex).toEqual([hmac("leaver@example.com"), hmac("second@example.com")].sort());
  const dump = JSON.stringify(await t.sql`select * from app_private.forgotten_email_recipients`);
  expect(dump).not.toMatch(/leaver/i);
});

it("still records deliveries of other recipients in full", async () => {
  await record(t.db, {
    type: "email.delivered",
    at: "2026-03-01T12:00:00Z",
    emailId: "e-kept",
    to: ["kept@example.com"],
    svixId: newSvixId(),
  });
  const [row] = await t.sql`select to_addresses, subject from app_private.email_history where email_id = 'e-kept'`;
  expect(row).toEqual({ to_addresses: ["kept@example.com"], subject: "Kick-off" });
});
