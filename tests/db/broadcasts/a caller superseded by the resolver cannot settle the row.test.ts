import { afterAll, beforeAll, expect, test } from "vitest";
import type { BroadcastRow } from "../../../src/shared/data/broadcasts.ts";
import { ConflictError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { begun, inHours, owner, recorded } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

test("after the resolver claims a stuck row, the original caller's writes are refused and the resolver's wins", async () => {
  const row = await begun(t.db, { action: "schedule", publishAt: inHours(1) });
  const claimed = await t.db.rpc<BroadcastRow[]>("broadcast_claim_stuck", { p_grace_seconds: 0 });
  expect(claimed.map((r) => r.id)).toEqual([row.id]);
  expect(claimed[0]!.operation_key).toBe(row.operation_key);

  await expect(t.db.rpc("broadcast_record_provider_id", { ...owner(row), p_provider_broadcast_id: "b_stale" }))
    .rejects.toBeInstanceOf(ConflictError);
  await expect(t.db.rpc("broadcast_mark_uncertain", { ...owner(row), p_error: "stale" }))
    .rejects.toBeInstanceOf(ConflictError);

  const resolved = await t.db.rpc<BroadcastRow>("broadcast_record_provider_id", {
    ...owner(claimed[0]!),
    p_provider_broadcast_id: "b_1",
  });
  const confirmed = await t.db.rpc<BroadcastRow>("broadcast_confirm", owner(resolved));
  expect(confirmed.send_status).toBe("scheduled");
});

test("a row within the grace period is not claimed", async () => {
  const row = await begun(t.db);
  const claimed = await t.db.rpc<BroadcastRow[]>("broadcast_claim_stuck", { p_grace_seconds: 600 });
  expect(claimed.map((r) => r.id)).not.toContain(row.id);
});

test("a definite rejection of a reschedule after its cancel step returns the row to draft with the reason", async () => {
  const scheduled = await recorded(t.db, "b_2", { action: "schedule", publishAt: inHours(1) });
  await t.db.rpc("broadcast_confirm", owner(scheduled));
  const r = await t.db.rpc<{ row: BroadcastRow }>("broadcast_begin", {
    p_id: scheduled.id,
    p_action: "reschedule",
    p_publish_at: inHours(2),
  });
  const rolled = await t.db.rpc<BroadcastRow>("broadcast_rollback", {
    ...owner(r.row),
    p_error: "422 invalid scheduled_at",
    p_to_status: "draft",
  });
  expect(rolled.send_status).toBe("draft");
  expect(rolled.last_error).toMatch(/reschedule rejected by the provider: 422 invalid scheduled_at/);
});
