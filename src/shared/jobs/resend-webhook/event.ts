// Resend webhook events, validated after the signature has been checked, and
// reduced to the record the database applies (one call per delivery).
// https://resend.com/docs/dashboard/webhooks/event-types
import { z } from "zod";
import type { WebhookRecord } from "../../data/email-history.ts";

export const EMAIL_EVENT_TYPES = [
  "email.sent",
  "email.delivered",
  "email.delivery_delayed",
  "email.bounced",
  "email.complained",
  "email.opened",
  "email.clicked",
  "email.failed",
] as const;

export type EmailEventType = (typeof EMAIL_EVENT_TYPES)[number];

const isEmailEventType = (type: string): type is EmailEventType =>
  (EMAIL_EVENT_TYPES as readonly string[]).includes(type);

const timestamp = z.iso.datetime({ offset: true });

// Resend sends `to` as an array; a single string is accepted as one address.
const recipients = z
  .union([z.string().max(1000), z.array(z.string().max(1000)).max(1000)])
  .transform((to) => (typeof to === "string" ? [to] : to));

const emailData = z.looseObject({
  email_id: z.string().min(1).max(200),
  to: recipients.optional(),
  subject: z.string().max(2000).optional(),
  // An object of name -> value in current payloads, an array of {name, value}
  // in older ones: kept as given.
  tags: z.unknown().optional(),
});

const clickData = emailData.extend({
  click: z.looseObject({
    link: z.string().min(1).max(8192),
    timestamp: timestamp.optional(),
    ipAddress: z.string().max(200).optional(),
    userAgent: z.string().max(2000).optional(),
  }),
});

const emailEvent = z.object({
  type: z.enum(EMAIL_EVENT_TYPES),
  created_at: timestamp,
  data: emailData,
});

const clickEvent = emailEvent.extend({ type: z.literal("email.clicked"), data: clickData });

/** Any other type (Resend adds new ones, e.g. contact.*): kept, acknowledged, not applied. */
const otherEvent = z.looseObject({
  type: z.string().min(1).max(200),
  created_at: z.unknown().optional(),
  data: z.unknown().optional(),
});

/** The svix-id Resend sends; it names the delivery across retries. */
export const svixIdSchema = z.string().min(1).max(200);

/** Picks the schema by `type`, so a known event with a bad field names that field. */
export function schemaFor(payload: unknown): z.ZodType {
  const type = (payload as { type?: unknown } | null)?.type;
  if (typeof type !== "string") return otherEvent; // fails on the missing/invalid `type`
  if (type === "email.clicked") return clickEvent;
  if (isEmailEventType(type)) return emailEvent;
  return otherEvent;
}

/**
 * The record of one delivery. `payload` is the validated event; the whole
 * verified body is stored as given.
 */
export function webhookRecord(svixId: string, payload: unknown, body: unknown): WebhookRecord {
  const event = payload as { type: string; created_at?: unknown; data?: unknown };
  if (!isEmailEventType(event.type)) {
    const occurred = timestamp.safeParse(event.created_at);
    return {
      svixId,
      eventType: event.type,
      payload: body,
      occurredAt: occurred.success ? occurred.data : null,
      emailId: null,
      to: null,
      subject: null,
      tags: null,
      click: null,
    };
  }
  const data = event.data as z.infer<typeof clickData> | z.infer<typeof emailData>;
  const click = "click" in data ? (data as z.infer<typeof clickData>).click : null;
  return {
    svixId,
    eventType: event.type,
    payload: body,
    occurredAt: event.created_at as string,
    emailId: data.email_id,
    to: data.to ?? null,
    subject: data.subject ?? null,
    tags: data.tags ?? null,
    // The click's own timestamp is when the recipient clicked; the event's
    // created_at is when Resend produced the webhook.
    click: click && event.type === "email.clicked"
      ? {
        link: click.link,
        timestamp: click.timestamp ?? null,
        ip_address: click.ipAddress ?? null,
        user_agent: click.userAgent ?? null,
      }
      : null,
  };
}
