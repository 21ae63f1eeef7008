import { expect, it } from "vitest";
import { schemaFor, webhookRecord } from "../../../src/shared/jobs/resend-webhook/event.ts";

it("sends the click's own timestamp, link, IP and user agent, and the recipients", () => {
  // The example payload of https://resend.com/docs/webhooks/emails/clicked, abridged.
  const payload = {
    type: "email.clicked",
    created_at: "2024-11-22T23:41:12.126Z",
    data: {
      created_at: "2024-11-22T23:41:11.894719+00:00",
      email_id: "56761188-7520-42d8-8898-ff6fc54ce618",
      to: ["fan@example.com"],
      subject: "Sending this example",
      tags: { category: "confirm_email" },
      click: {
        ipAddress: "122.115.53.11",
        link: "https://resend.com",
        timestamp: "2024-11-24T05:00:57.163Z",
        userAgent: "Safari",
      },
    },
  };
  const event = schemaFor(payload).parse(payload);
  expect(webhookRecord("msg_1", event, payload)).toEqual({
    svixId: "msg_1",
    eventType: "email.clicked",
    payload,
    occurredAt: "2024-11-22T23:41:12.126Z",
    emailId: "56761188-7520-42d8-8898-ff6fc54ce618",
    to: ["fan@example.com"],
    subject: "Sending this example",
    tags: { category: "confirm_email" },
    click: {
      link: "https://resend.com",
      timestamp: "2024-11-24T05:00:57.163Z",
      ip_address: "122.115.53.11",
      user_agent: "Safari",
    },
  });
});

it("accepts a single `to` string as one recipient", () => {
  const payload = {
    type: "email.delivered",
    created_at: "2024-11-22T23:41:12Z",
    data: { email_id: "e", to: "a@example.com" },
  };
  expect(webhookRecord("m", schemaFor(payload).parse(payload), payload).to).toEqual(["a@example.com"]);
});
