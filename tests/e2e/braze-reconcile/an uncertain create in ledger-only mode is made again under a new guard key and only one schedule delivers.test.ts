// Production mode: Braze lists no API-triggered schedules, so a create whose
// answer was lost can never be looked up. Reconcile makes it again under a
// new guard key; if Braze did make the first one, both exist, and the
// delivery guard lets exactly one of them deliver. Nothing is left for an
// operator.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SchedulerStack, startSchedulerStack, upcomingMatches } from "../../support/scheduler-stack.ts";

let stack: SchedulerStack;
const matches = upcomingMatches(3);
beforeAll(async () => {
  stack = await startSchedulerStack({ matches, env: { BRAZE_TIMEOUT_MS: "500" } });
});
afterAll(() => stack.close());

it("re-creates the uncertain create, and of the two schedules only one is answered send at its time", async () => {
  await stack.brazeSim.faults({ timeoutAfterCommit: { next: 1, endpoint: "create" } });
  expect((await stack.runScheduler()).body).toMatchObject({ outcome: "completed", created: 2, uncertain: 1 });
  const [uncertain] = await stack.database.sql<{ id: string; match_id: string }[]>`
    select id, match_id from app_private.schedule_ledger where status = 'uncertain'`;

  const reconcile = await stack.runReconcile();
  expect(reconcile.body).toMatchObject({ outcome: "completed", mode: "ledger", retried: 1, failed: 0 });
  expect(reconcile.body).not.toHaveProperty("unresolvable");

  // Braze made both: the one whose answer was lost, and the new one.
  const both = (await stack.liveSchedules()).filter((s) =>
    Number(s.trigger_properties.match_id) === Number(uncertain!.match_id)
  );
  expect(both).toHaveLength(2);
  const keys = both.map((s) => String(s.trigger_properties.guard_key));
  expect(new Set(keys).size).toBe(2);
  const [row] = await stack.database.sql`
    select status, guard_key::text from app_private.schedule_ledger where id = ${uncertain!.id}`;
  expect(row!.status).toBe("scheduled");

  // At the send time Braze renders each schedule's push, which asks the guard with its key.
  await stack.database.sql`update app_private.schedule_ledger set send_at = now() where id = ${uncertain!.id}`;
  const answers = [];
  for (const key of keys) {
    answers.push(
      await stack.database.db.rpc<{ send: boolean }>("braze_send_guard", { p_key: key, p_tolerance_seconds: 600 }),
    );
  }
  expect(answers.filter((a) => a.send)).toHaveLength(1);
  // The new attempt was confirmed, so it is the one that delivers.
  expect(answers[keys.indexOf(row!.guard_key)]!.send).toBe(true);
});
