import { afterAll, beforeAll, expect, it } from "vitest";
import { emailEvent } from "../../../src/shared/jobs/resend-webhook/sign.ts";
import { startTestStack, type TestStack } from "../../support/stack.ts";
import { post } from "./deliveries.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

it("keeps status bounced when delivered arrives after bounced, and a redelivered bounce is a 200 duplicate", async () => {
  const url = stack.url("resend-webhook");
  const bounced = {
    svixId: "msg_b",
    body: emailEvent("email.bounced", "2026-03-01T12:00:05.000Z", "e-b"),
    signedAt: new Date(),
  };
  expect((await post(url, bounced)).body).toMatchObject({ received: true, duplicate: false });
  const late = await post(url, {
    svixId: "msg_d",
    body: emailEvent("email.delivered", "2026-03-01T12:00:01.000Z", "e-b"),
    signedAt: new Date(),
  });
  expect(late.status).toBe(200);
  const again = await post(url, { ...bounced, signedAt: new Date() });
  expect(again).toMatchObject({ status: 200, body: { duplicate: true } });

  const [row] = await stack.database
    .sql`select status, event_count from app_private.email_history where email_id = 'e-b'`;
  expect(row).toEqual({ status: "bounced", event_count: 2 });
});
