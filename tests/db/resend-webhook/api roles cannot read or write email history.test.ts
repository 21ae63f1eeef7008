import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

for (const role of ["anon", "authenticated"]) {
  it(`refuses ${role} the tables and the functions`, async () => {
    for (
      const statement of [
        "select * from app_private.email_history",
        "select * from app_private.email_clicks",
        "select * from app_private.resend_webhook_deliveries",
        `select public.record_resend_webhook(p_svix_id => 'x', p_event_type => 'contact.created', p_payload => '{}')`,
        `select public.forget_email_recipients('["a@example.com"]')`,
      ]
    ) {
      await expect(
        t.sql.begin(async (tx) => {
          await tx.unsafe(`set local role ${role}`);
          await tx.unsafe(statement);
        }),
        `${role}: ${statement}`,
      ).rejects.toMatchObject({ code: "42501" });
    }
  });
}

it("lets service_role record a delivery", async () => {
  await t.sql.begin(async (tx) => {
    await tx.unsafe("set local role service_role");
    await tx.unsafe(
      `select public.record_resend_webhook(p_svix_id => 'x', p_event_type => 'contact.created', p_payload => '{}')`,
    );
  });
  expect(await t.sql`select svix_id from app_private.resend_webhook_deliveries`).toEqual([{ svix_id: "x" }]);
});
