// A ledger write names the lease it is fenced by, and the database derives the
// campaign's own lease itself. A write whose named lease is not the
// campaign's is refused as lease_lost even when its token is the campaign's
// live one: the caller's idea of which lease fences these rows disagrees with
// the database's (a renamed campaign, a lease name built differently in
// TypeScript), so nothing it believes about holding the lease can be trusted.
// Nothing is written.
import { afterAll, beforeAll, expect, it } from "vitest";
import { LeaseLostError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("refuses a begin and a settle naming another lease, and writes nothing", async () => {
  const token = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: token,
    p_campaign_id: "c1",
    p_intents: [createIntent(1)],
  });
  const before = await t.sql`select * from app_private.schedule_ledger order by id`;

  for (const named of ["braze:campaign:c2", "braze-scheduler"]) {
    const begin = t.db.rpc("ledger_begin", {
      p_lease: named,
      p_token: token,
      p_campaign_id: "c1",
      p_intents: [createIntent(2)],
    });
    await expect(begin).rejects.toBeInstanceOf(LeaseLostError);
    await expect(begin).rejects.toThrow(/does not fence campaign/);
    const settle = t.db.rpc("ledger_settle", {
      p_lease: named,
      p_token: token,
      p_campaign_id: "c1",
      p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: "sched-1" }],
    });
    await expect(settle).rejects.toBeInstanceOf(LeaseLostError);
  }
  expect(await t.sql`select * from app_private.schedule_ledger order by id`).toEqual(before);
});
