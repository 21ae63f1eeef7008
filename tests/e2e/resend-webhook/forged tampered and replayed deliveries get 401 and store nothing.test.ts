import { afterAll, beforeAll, expect, it } from "vitest";
import { emailEvent, signedHeaders } from "../../../src/shared/jobs/resend-webhook/sign.ts";
import { startTestStack, type TestStack } from "../../support/stack.ts";
import { post, SECRET } from "./deliveries.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

const stored = async () => ({
  deliveries: (await stack.database.sql`select count(*)::int as n from app_private.resend_webhook_deliveries`)[0]!.n,
  emails: (await stack.database.sql`select count(*)::int as n from app_private.email_history`)[0]!.n,
});

it("answers 401 to a tampered body, a wrong secret and a 10-minute-old replay, and stores none of them", async () => {
  const url = stack.url("resend-webhook");
  const body = emailEvent("email.opened", "2026-03-01T12:00:00.000Z", "e-forged");

  const headers = signedHeaders(SECRET, { svixId: "msg_t", body, signedAt: new Date() });
  const tampered = await fetch(url, { method: "POST", headers, body: body.replace("12:00:00", "11:00:00") });
  expect(tampered.status).toBe(401);

  const wrong = await post(
    url,
    { svixId: "msg_w", body, signedAt: new Date() },
    "whsec_c29tZW9uZS1lbHNlcy1zZWNyZXQta2V5LTEyMzQ=",
  );
  expect(wrong.status).toBe(401);

  const replay = await post(url, { svixId: "msg_r", body, signedAt: new Date(Date.now() - 10 * 60_000) });
  expect(replay.status).toBe(401);
  expect(replay.body.message).toMatch(/too old/);

  expect(await stored()).toEqual({ deliveries: 0, emails: 0 });

  // The same delivery, honestly signed now, is accepted: the 401s were about the signatures.
  expect((await post(url, { svixId: "msg_ok", body, signedAt: new Date() })).status).toBe(200);
  expect(await stored()).toEqual({ deliveries: 1, emails: 1 });
});
