// The delete-user pivot forgets a recipient while the first webhook of an
// email to them is being written. Whichever commits first, nothing of the
// address may survive both: the webhook's transaction is held open here,
// after its write and before its commit, while the forget runs.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

it("scrubs the email whose first webhook committed after the forget started", async () => {
  const written = deferred();
  const release = deferred();
  const webhook = t.sql.begin(async (tx) => {
    await tx`select public.record_resend_webhook(
      p_svix_id => 'msg_race', p_event_type => 'email.delivered',
      p_payload => ${
      tx.json({ type: "email.delivered", data: { email_id: "e-race", to: ["racer@example.com"], subject: "Kick-off" } })
    },
      p_occurred_at => '2026-03-01T12:00:00Z', p_email_id => 'e-race',
      p_to => ${tx.json(["racer@example.com"])}, p_subject => 'Kick-off')`;
    written.resolve();
    await release.promise;
  });
  await written.promise;

  let forgetDone = false;
  const forget = t.db.rpc("forget_email_recipients", { p_addresses: ["racer@example.com"] }).finally(
    () => (forgetDone = true),
  );
  // Let the webhook commit only once the forget has either finished or is
  // waiting for it (blocked on a lock), so both orders are the real ones.
  for (;;) {
    if (forgetDone) break;
    const waiting = await t.sql`
      select 1 from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and query like '%forget_email_recipients%'`;
    if (waiting.length > 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  release.resolve();
  await webhook;
  await forget;

  const [row] = await t
    .sql`select to_addresses, subject, event_count from app_private.email_history where email_id = 'e-race'`;
  expect(row).toEqual({ to_addresses: [], subject: null, event_count: 1 });
  const [delivery] = await t.sql`select payload from app_private.resend_webhook_deliveries where svix_id = 'msg_race'`;
  expect(delivery).toEqual({ payload: null });
});
