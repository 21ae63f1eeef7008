import { afterAll, beforeAll, expect, it } from "vitest";
import { fromPostgres } from "../../../src/shared/db/direct.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
/** The lease helpers live in app_private (not exposed through PostgREST); tests call them directly. */
const internal = () => fromPostgres(t.sql, { schema: "app_private" });
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("refuses a second live row for the same campaign and match, and allows one after cancellation", async () => {
  const token = await takeLease(t.db);
  const begin = (intents: unknown[]) =>
    t.db.rpc<BegunRow[]>("ledger_begin", { p_lease: LEASE, p_token: token, p_campaign_id: "c1", p_intents: intents });

  const [row] = await begin([createIntent(42)]);
  expect((await begin([createIntent(42)])).map((b) => b.status)).toEqual(["conflict"]);
  expect((await t.sql`select count(*)::int as n from app_private.schedule_ledger where match_id = 42`)[0]!.n).toBe(1);

  // Another campaign (fenced by its own lease) may schedule the same match.
  const c2 = await internal().rpc<{ token: number }>("acquire_job_lease", {
    p_job: "braze:campaign:c2",
    p_holder: "h2",
    p_ttl_seconds: 60,
  });
  expect(
    (await t.db.rpc<BegunRow[]>("ledger_begin", {
      p_lease: "braze:campaign:c2",
      p_token: c2.token,
      p_campaign_id: "c2",
      p_intents: [createIntent(42)],
    }))
      .map((b) => b.status),
  ).toEqual(["creating"]);

  // Once the first row is cancelled it is history, and a new live row may exist.
  await t.db.rpc("ledger_settle", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: "s42" }],
  });
  const [cancelling] = await begin([{
    action: "cancel",
    match_id: 42,
    id: row!.id,
    version: row!.version + 1,
    attempt_id: crypto.randomUUID(),
  }]);
  await t.db.rpc("ledger_settle", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_results: [{ id: cancelling!.id, version: cancelling!.version, outcome: "ok" }],
  });
  await expect(begin([createIntent(42)])).resolves.toHaveLength(1);
  const rows = await t
    .sql`select status from app_private.schedule_ledger where campaign_id = 'c1' and match_id = 42 order by id`;
  expect(rows.map((r) => r.status)).toEqual(["cancelled", "creating"]);
});
