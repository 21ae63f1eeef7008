// Email history (migration create_email_history): one Resend webhook delivery
// is recorded in one call, which deduplicates it by svix-id and applies it to
// the email's counters.
import type { Db } from "../ports.ts";

/** SQL entry points this module calls, with their argument names; tests/db/data-layer checks them against pg_proc. */
export const procedures = {
  record_resend_webhook: [
    "p_svix_id",
    "p_event_type",
    "p_payload",
    "p_occurred_at",
    "p_email_id",
    "p_to",
    "p_subject",
    "p_tags",
    "p_click",
  ],
  // For an operator or a deletion run by hand: the user's email history is
  // found by address (webhooks carry no user id) and kept only as anonymous
  // counts; the deletion saga's pivot does the same inside its transaction.
  forget_email_recipients: ["p_addresses"],
} as const;

/** One verified delivery, reduced to what the database applies (the whole body is kept as `payload`). */
export interface WebhookRecord {
  /** svix-id: names the delivery across Resend's retries. */
  svixId: string;
  eventType: string;
  /** The verified body as received. */
  payload: unknown;
  occurredAt: string | null;
  emailId: string | null;
  to: string[] | null;
  subject: string | null;
  tags: unknown;
  /** The click's own time (when the recipient clicked), link, address and agent. */
  click: { link: string; timestamp: string | null; ip_address: string | null; user_agent: string | null } | null;
}

/** What recording a delivery did: a redelivery is `duplicate`; a type the project does not apply is kept, not `applied`. */
export interface WebhookOutcome {
  duplicate: boolean;
  applied: boolean;
  event_type: string;
  email_id?: string;
}

/** The named arguments record_resend_webhook takes for `record`. */
function recordWebhookArgs(record: WebhookRecord): Record<string, unknown> {
  return {
    p_svix_id: record.svixId,
    p_event_type: record.eventType,
    p_payload: record.payload,
    p_occurred_at: record.occurredAt,
    p_email_id: record.emailId,
    p_to: record.to,
    p_subject: record.subject,
    p_tags: record.tags,
    p_click: record.click,
  };
}

export function emailHistory(db: Db) {
  return {
    recordWebhook: (record: WebhookRecord) =>
      db.rpc<WebhookOutcome>("record_resend_webhook", recordWebhookArgs(record)),
    /** Scrubs every email sent to `addresses`; answers how many emails it touched. */
    forgetRecipients: (addresses: string[]) =>
      db.rpc<{ emails: number }>("forget_email_recipients", { p_addresses: addresses }),
  };
}

export type EmailHistory = ReturnType<typeof emailHistory>;
