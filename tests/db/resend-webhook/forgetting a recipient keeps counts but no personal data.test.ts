import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { record } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("finds the user's emails by address, strips them, and a later retry does not bring the address back", async () => {
  const click = { link: "https://example.com/x", ip_address: "203.0.113.1", user_agent: "Mail" };
  await record(t.db, {
    type: "email.delivered",
    at: "2026-03-01T12:00:00Z",
    emailId: "e-gone",
    to: [" Gone@Example.com "],
  });
  await record(t.db, {
    type: "email.clicked",
    at: "2026-03-01T12:01:00Z",
    emailId: "e-gone",
    to: ["gone@example.com"],
    click,
  });
  await record(t.db, {
    type: "email.delivered",
    at: "2026-03-01T12:00:00Z",
    emailId: "e-kept",
    to: ["kept@example.com"],
  });
  expect((await t.sql`select to_addresses from app_private.email_history where email_id = 'e-gone'`)[0]!.to_addresses)
    .toEqual([
      "gone@example.com",
    ]);

  expect(await t.db.rpc("forget_email_recipients", { p_addresses: ["GONE@example.com"] })).toEqual({ emails: 1 });
  // A retry of an old delivery and a fresh open, both carrying the address.
  await record(t.db, { type: "email.opened", at: "2026-03-01T12:02:00Z", emailId: "e-gone", to: ["gone@example.com"] });
  await record(t.db, {
    type: "email.clicked",
    at: "2026-03-01T12:03:00Z",
    emailId: "e-gone",
    to: ["gone@example.com"],
    click,
  });

  const [gone] = await t.sql`
    select to_addresses, subject, tags, open_count, click_count from app_private.email_history where email_id = 'e-gone'`;
  expect(gone).toEqual({ to_addresses: [], subject: null, tags: null, open_count: 1, click_count: 2 });
  const personal = await t.sql`
    select 1 from app_private.email_clicks where email_id = 'e-gone' and (ip_address is not null or user_agent is not null)
    union all
    select 1 from app_private.resend_webhook_deliveries where email_id = 'e-gone' and payload is not null`;
  expect(personal).toHaveLength(0);
  const [kept] = await t.sql`select to_addresses from app_private.email_history where email_id = 'e-kept'`;
  expect(kept!.to_addresses).toEqual(["kept@example.com"]);
});
