import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { type BegunRow, createIntent, LEASE, takeLease } from "./support.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

it("applies a settle once; the same version again is reported stale and not applied", async () => {
  const token = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE, p_token: token, p_campaign_id: "c1", p_intents: [createIntent(7)],
  });
  const settle = (scheduleId: string) =>
    t.db.rpc<{ applied: number; stale: number[] }>("ledger_settle", {
      p_lease: LEASE, p_token: token,
      p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: scheduleId }],
    });

  expect(await settle("first")).toEqual({ applied: 1, stale: [] });
  const after = await t.sql`select status, version, braze_schedule_id from public.schedule_ledger where id = ${row!.id}`;
  expect(await settle("second")).toEqual({ applied: 0, stale: [row!.id] });
  expect(await t.sql`select status, version, braze_schedule_id from public.schedule_ledger where id = ${row!.id}`).toEqual(after);
  expect(after[0]).toMatchObject({ status: "scheduled", braze_schedule_id: "first" });
});

it("rejects a whole begin batch when one update carries a stale version", async () => {
  await t.sql`delete from public.job_leases`;
  const token = await takeLease(t.db);
  const [row] = await t.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE, p_token: token, p_campaign_id: "c1", p_intents: [createIntent(8)],
  });
  await t.db.rpc("ledger_settle", {
    p_lease: LEASE, p_token: token, p_results: [{ id: row!.id, version: row!.version, outcome: "ok", braze_schedule_id: "s8" }],
  });
  const before = await t.sql`select * from public.schedule_ledger order by id`;
  const staleUpdate = { ...createIntent(8, "2030-01-01T15:00:00Z"), action: "update", id: row!.id, version: row!.version };
  await expect(
    t.db.rpc("ledger_begin", { p_lease: LEASE, p_token: token, p_campaign_id: "c1", p_intents: [createIntent(9), staleUpdate] }),
  ).rejects.toMatchObject({ name: "ConflictError" });
  expect(await t.sql`select * from public.schedule_ledger order by id`).toEqual(before);
});
