// Builders for record_resend_webhook calls in the DB tests: the arguments the
// edge function sends for one delivery.
import type { Db } from "../../../src/shared/ports.ts";

let seq = 0;
export const newSvixId = () => `msg_${process.pid}_${++seq}_${Math.random().toString(36).slice(2, 10)}`;

export interface Outcome {
  duplicate: boolean;
  applied: boolean;
  event_type: string;
}

export function record(
  db: Db,
  event: {
    svixId?: string;
    type: string;
    at: string;
    emailId?: string;
    to?: string[];
    click?: { link: string; timestamp?: string; ip_address?: string; user_agent?: string };
  },
): Promise<Outcome> {
  const data: Record<string, unknown> = {
    email_id: event.emailId,
    to: event.to ?? ["Fan@Example.com"],
    subject: "Kick-off",
  };
  if (event.click) data.click = event.click;
  return db.rpc<Outcome>("record_resend_webhook", {
    p_svix_id: event.svixId ?? newSvixId(),
    p_event_type: event.type,
    p_payload: { type: event.type, created_at: event.at, data },
    p_occurred_at: event.at,
    p_email_id: event.emailId ?? null,
    p_to: event.to ?? ["Fan@Example.com"],
    p_subject: "Kick-off",
    p_tags: { category: "match" },
    p_click: event.click ? { timestamp: null, ip_address: null, user_agent: null, ...event.click } : null,
  });
}

/** `n` distinct ISO times a minute apart from 2026-03-01T12:00Z, shuffled. */
export function times(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 2, 1, 12, i)).toISOString());
}

export function shuffle<T>(items: T[], random: () => number = Math.random): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
