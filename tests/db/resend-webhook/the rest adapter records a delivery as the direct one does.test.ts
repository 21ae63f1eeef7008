// Deployed, the function reaches the database through PostgREST (supabase-js
// .rpc, as service_role). The same signed delivery through both adapters must
// land the same row.
import { createClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LOCAL_SECRETS } from "../../../dev/local-secrets.ts";
import { fromSupabase } from "../../../src/shared/db/rest.ts";
import { resendWebhookHandler } from "../../../src/shared/jobs/resend-webhook/handle.ts";
import { emailEvent, signedRequest } from "../../../src/shared/jobs/resend-webhook/sign.ts";
import { deliveryVerifier } from "../../../src/shared/jobs/resend-webhook/verify.ts";
import type { Db } from "../../../src/shared/ports.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startPostgrest } from "../../support/postgrest.ts";

const JWT_SECRET = "test-jwt-secret-with-at-least-32-characters";
let t: TestDatabase;
let postgrest: Awaited<ReturnType<typeof startPostgrest>>;
let rest: Db;

beforeAll(async () => {
  t = await createTestDatabase();
  postgrest = await startPostgrest({ databaseUrl: t.url, jwtSecret: JWT_SECRET });
  const jwt = await new SignJWT({ role: "service_role" })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(JWT_SECRET));
  rest = fromSupabase(createClient(postgrest.url, jwt, { auth: { persistSession: false, autoRefreshToken: false } }));
});
afterAll(async () => {
  await postgrest.close();
  await t.drop();
});

it("stores the same history, click and delivery through PostgREST as through a direct connection", async () => {
  const click = {
    link: "https://example.com/a",
    timestamp: "2026-03-01T12:00:03.000Z",
    ipAddress: "203.0.113.5",
    userAgent: "Mail",
  };
  for (const [db, emailId] of [[t.db, "e-direct"], [rest, "e-rest"]] as const) {
    const handler = resendWebhookHandler(() => ({ db, verify: deliveryVerifier([LOCAL_SECRETS.resendWebhook]) }));
    const body = emailEvent("email.clicked", "2026-03-01T12:00:04.000Z", emailId, { to: ["Fan@Example.com"], click });
    const request = () =>
      signedRequest("http://x/resend-webhook", LOCAL_SECRETS.resendWebhook, {
        svixId: `msg-${emailId}`,
        body,
        signedAt: new Date(),
      });
    expect((await handler(request())).status).toBe(200);
    expect(await (await handler(request())).json()).toMatchObject({ duplicate: true });
  }
  const rows = await t.sql`
    select h.email_id, h.status, h.to_addresses, h.click_count, h.clicked_at, h.tags,
           c.link, c.ip_address, c.user_agent, d.payload is not null as has_payload
      from app_private.email_history h
      join app_private.email_clicks c using (email_id)
      join app_private.resend_webhook_deliveries d on d.svix_id = c.svix_id
     order by h.email_id`;
  const [direct, viaRest] = rows.map(({ email_id: _id, ...others }) => others);
  expect(viaRest).toEqual(direct);
  expect(direct).toMatchObject({
    status: "clicked",
    to_addresses: ["fan@example.com"],
    click_count: 1,
    link: click.link,
    ip_address: "203.0.113.5",
    has_payload: true,
  });
  expect(direct!.clicked_at.toISOString()).toBe(click.timestamp);
});
