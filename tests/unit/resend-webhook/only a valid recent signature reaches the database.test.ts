import { Webhook } from "svix";
import { describe, expect, it } from "vitest";
import { LOCAL_SECRETS } from "../../../dev/local-secrets.ts";
import { resendWebhookHandler } from "../../../src/shared/jobs/resend-webhook/handle.ts";
import { emailEvent, signedHeaders, signedRequest } from "../../../src/shared/jobs/resend-webhook/sign.ts";
import { deliveryVerifier } from "../../../src/shared/jobs/resend-webhook/verify.ts";
import { recordingDb } from "./fixtures.ts";

const URL = "http://127.0.0.1/functions/v1/resend-webhook";
const CURRENT = LOCAL_SECRETS.resendWebhook;
const PREVIOUS = "whsec_cHJldmlvdXMtcmVzZW5kLXNlY3JldC1rZXktMzI=";
const OTHER = "whsec_c29tZW9uZS1lbHNlcy1zZWNyZXQta2V5LTEyMzQ=";

function setup(secrets = [CURRENT, PREVIOUS]) {
  const db = recordingDb();
  const handler = resendWebhookHandler(() => ({ db, verify: deliveryVerifier(secrets) }));
  return { db, handler };
}

const body = emailEvent("email.opened", "2026-03-01T12:00:00.000Z", "e1");
const now = () => new Date();

describe("accepted", () => {
  it("records a delivery signed with the current secret", async () => {
    const { db, handler } = setup();
    const res = await handler(signedRequest(URL, CURRENT, { svixId: "msg_1", body, signedAt: now() }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, duplicate: false });
    expect(db.calls).toHaveLength(1);
    expect(db.calls[0]!.args).toMatchObject({ p_svix_id: "msg_1", p_event_type: "email.opened", p_email_id: "e1" });
  });

  it("records a delivery signed with the previous secret during a rotation", async () => {
    const { db, handler } = setup();
    const res = await handler(signedRequest(URL, PREVIOUS, { svixId: "msg_2", body, signedAt: now() }));
    expect(res.status).toBe(200);
    expect(db.calls).toHaveLength(1);
  });

  it("accepts a header carrying several signatures when one of them matches", async () => {
    const { db, handler } = setup([CURRENT]);
    const headers = signedHeaders(CURRENT, { svixId: "msg_3", body, signedAt: now() });
    const wrong = new Webhook(OTHER).sign("msg_3", now(), body);
    headers["svix-signature"] = `${wrong} ${headers["svix-signature"]}`;
    const res = await handler(new Request(URL, { method: "POST", headers, body }));
    expect(res.status).toBe(200);
    expect(db.calls).toHaveLength(1);
  });
});

describe("rejected with 401, nothing recorded", () => {
  const cases: [string, () => Request][] = [
    ["a wrong secret", () => signedRequest(URL, OTHER, { svixId: "m", body, signedAt: now() })],
    [
      "a tampered body",
      () => {
        const headers = signedHeaders(CURRENT, { svixId: "m", body, signedAt: now() });
        return new Request(URL, { method: "POST", headers, body: body.replace('"e1"', '"e2"') });
      },
    ],
    [
      "a svix-id swapped after signing",
      () => {
        const headers = signedHeaders(CURRENT, { svixId: "m", body, signedAt: now() });
        return new Request(URL, { method: "POST", headers: { ...headers, "svix-id": "m2" }, body });
      },
    ],
    [
      "a replay signed 10 minutes ago",
      () => signedRequest(URL, CURRENT, { svixId: "m", body, signedAt: new Date(Date.now() - 10 * 60_000) }),
    ],
    [
      "a timestamp 10 minutes ahead",
      () => signedRequest(URL, CURRENT, { svixId: "m", body, signedAt: new Date(Date.now() + 10 * 60_000) }),
    ],
    ["no signature headers", () => new Request(URL, { method: "POST", body })],
    [
      "the previous secret once rotation is over",
      () => signedRequest(URL, PREVIOUS, { svixId: "m", body, signedAt: now() }),
    ],
  ];
  for (const [name, request] of cases) {
    it(name, async () => {
      const { db, handler } = name.includes("rotation is over") ? setup([CURRENT]) : setup();
      const res = await handler(request());
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: "unauthorized" });
      expect(db.calls).toHaveLength(0);
    });
  }
});

describe("signed but malformed: 400 naming the field, nothing recorded", () => {
  const cases: [string, string, RegExp][] = [
    ["not JSON", "{not json", /not valid JSON/],
    [
      "no email_id",
      JSON.stringify({ type: "email.opened", created_at: "2026-03-01T12:00:00Z", data: {} }),
      /data\.email_id/,
    ],
    [
      "a bad created_at",
      JSON.stringify({ type: "email.opened", created_at: "yesterday", data: { email_id: "e" } }),
      /created_at/,
    ],
    [
      "a click without its link",
      JSON.stringify({ type: "email.clicked", created_at: "2026-03-01T12:00:00Z", data: { email_id: "e", click: {} } }),
      /data\.click\.link/,
    ],
    ["no type", JSON.stringify({ created_at: "2026-03-01T12:00:00Z", data: {} }), /type/],
  ];
  for (const [name, payload, field] of cases) {
    it(name, async () => {
      const { db, handler } = setup();
      const res = await handler(signedRequest(URL, CURRENT, { svixId: "m", body: payload, signedAt: now() }));
      expect(res.status).toBe(400);
      expect((await res.json()).message).toMatch(field);
      expect(db.calls).toHaveLength(0);
    });
  }
});

it("passes an unknown event type through to be stored", async () => {
  const { db, handler } = setup();
  const payload = JSON.stringify({ type: "contact.updated", created_at: "2026-03-01T12:00:00Z", data: { id: "c" } });
  const res = await handler(signedRequest(URL, CURRENT, { svixId: "m", body: payload, signedAt: now() }));
  expect(res.status).toBe(200);
  expect(db.calls[0]!.args).toMatchObject({
    p_event_type: "contact.updated",
    p_email_id: null,
    p_payload: JSON.parse(payload),
  });
});

it("refuses a body over 256 KiB with 413 before verifying it", async () => {
  const { db, handler } = setup();
  const big = JSON.stringify({ type: "email.opened", pad: "x".repeat(300 * 1024) });
  const res = await handler(signedRequest(URL, CURRENT, { svixId: "m", body: big, signedAt: now() }));
  expect(res.status).toBe(413);
  expect(db.calls).toHaveLength(0);
});

it("refuses GET with 405", async () => {
  const { handler } = setup();
  expect((await handler(new Request(URL))).status).toBe(405);
});
