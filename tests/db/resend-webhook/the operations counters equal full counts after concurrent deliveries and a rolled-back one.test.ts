// ops_status_snapshot() reads the webhook numbers from counters that triggers
// keep in the writing transaction (so the page costs the same at any size).
// They must be exact: after concurrent shuffled deliveries (redeliveries and
// unknown types among them) and a write that rolled back, every counter equals
// what a full count of the tables says.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { EMAIL_EVENT_TYPES } from "../../../src/shared/jobs/resend-webhook/event.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { record } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 16 });
});
afterAll(() => t.drop());

interface Webhooks {
  deliveries: number;
  not_applied: number;
  opens: number;
  clicks: number;
  by_event_type: { event_type: string; deliveries: number }[];
  emails_by_status: { status: string; emails: number }[];
}

async function fromSnapshot(): Promise<
  Omit<Webhooks, "by_event_type"> & { by_event_type: Record<string, number>; emails_by_status: Record<string, number> }
> {
  const [row] = await t.sql<{ s: { webhooks: Webhooks } }[]>`select public.ops_status_snapshot() as s`;
  const w = row!.s.webhooks;
  return {
    deliveries: Number(w.deliveries),
    not_applied: Number(w.not_applied),
    opens: Number(w.opens),
    clicks: Number(w.clicks),
    by_event_type: Object.fromEntries(w.by_event_type.map((e) => [e.event_type, Number(e.deliveries)])),
    emails_by_status: Object.fromEntries(w.emails_by_status.map((e) => [e.status, Number(e.emails)])),
  } as never;
}

async function fromTables() {
  const [totals] = await t.sql<{ deliveries: number; not_applied: number; opens: number; clicks: number }[]>`
    select (select count(*)::int from app_private.resend_webhook_deliveries) as deliveries,
           (select count(*)::int from app_private.resend_webhook_deliveries where email_id is null) as not_applied,
           (select coalesce(sum(open_count), 0)::int from app_private.email_history) as opens,
           (select coalesce(sum(click_count), 0)::int from app_private.email_history) as clicks`;
  const byType = await t.sql<
    { k: string; n: number }[]
  >`select event_type as k, count(*)::int as n from app_private.resend_webhook_deliveries group by 1`;
  const byStatus = await t.sql<
    { k: string; n: number }[]
  >`select status as k, count(*)::int as n from app_private.email_history group by 1`;
  return {
    ...totals!,
    by_event_type: Object.fromEntries(byType.map((r) => [r.k, r.n])),
    emails_by_status: Object.fromEntries(byStatus.map((r) => [r.k, r.n])),
  };
}

it("counts exactly what the tables hold, whatever the interleaving", async () => {
  const types = [...EMAIL_EVENT_TYPES, "contact.created", "domain.updated"];
  const events = fc.sample(
    fc.record({
      type: fc.constantFrom(...types),
      email: fc.integer({ min: 0, max: 19 }),
      minute: fc.integer({ min: 0, max: 59 }),
      redeliver: fc.boolean(),
    }),
    { numRuns: 300, seed: 20261122 },
  );
  await Promise.all(
    events.map(async (e, i) => {
      const svixId = `msg_count_${i}`;
      const at = new Date(Date.UTC(2026, 2, 1, 12, e.minute)).toISOString();
      const emailId = `e-count-${e.email}`;
      const send = () =>
        e.type.startsWith("email.")
          ? record(t.db, {
            svixId,
            type: e.type,
            at,
            emailId,
            click: e.type === "email.clicked" ? { link: "https://example.com/a" } : undefined,
          })
          : t.db.rpc("record_resend_webhook", {
            p_svix_id: svixId,
            p_event_type: e.type,
            p_payload: { type: e.type },
            p_occurred_at: at,
          });
      await send();
      if (e.redeliver) await send();
    }),
  );
  // A delivery whose transaction rolls back leaves no count behind.
  await t.sql
    .begin(async (tx) => {
      await tx`select public.record_resend_webhook(p_svix_id => 'msg_rolled_back', p_event_type => 'email.opened',
                 p_payload => '{}', p_occurred_at => now(), p_email_id => 'e-count-0')`;
      throw new Error("roll back");
    })
    .catch(() => {});

  const expected = await fromTables();
  expect(expected.deliveries).toBe(300);
  expect(await fromSnapshot()).toEqual(expected);
});
