import { afterAll, beforeAll, expect, test } from "vitest";
import { ConflictError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

interface Row {
  id: string;
  version: number;
  operation_key: string;
  send_status: string;
  last_error: string | null;
}

test("after the resolver claims a stuck row, the original caller's writes are refused and the resolver's wins", async () => {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "S",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  const begun = await t.db.rpc<{ row: Row }>("broadcast_begin", {
    p_id: created.id,
    p_action: "schedule",
    p_publish_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const claimed = await t.db.rpc<Row[]>("broadcast_claim_stuck", { p_grace_seconds: 0 });
  expect(claimed.map((r) => r.id)).toEqual([created.id]);
  expect(claimed[0]!.operation_key).toBe(begun.row.operation_key);

  await expect(t.db.rpc("broadcast_record_provider_id", {
    p_id: created.id,
    p_version: begun.row.version,
    p_key: begun.row.operation_key,
    p_provider_broadcast_id: "b_stale",
  })).rejects.toBeInstanceOf(ConflictError);
  await expect(t.db.rpc("broadcast_mark_uncertain", {
    p_id: created.id,
    p_version: begun.row.version,
    p_key: begun.row.operation_key,
    p_error: "stale",
  })).rejects.toBeInstanceOf(ConflictError);

  const recorded = await t.db.rpc<Row>("broadcast_record_provider_id", {
    p_id: created.id,
    p_version: claimed[0]!.version,
    p_key: claimed[0]!.operation_key,
    p_provider_broadcast_id: "b_1",
  });
  const confirmed = await t.db.rpc<Row>("broadcast_confirm", {
    p_id: created.id,
    p_version: recorded.version,
    p_key: recorded.operation_key,
  });
  expect(confirmed.send_status).toBe("scheduled");
});

test("a row within the grace period is not claimed", async () => {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "S",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  await t.db.rpc("broadcast_begin", { p_id: created.id, p_action: "send" });
  const claimed = await t.db.rpc<Row[]>("broadcast_claim_stuck", { p_grace_seconds: 600 });
  expect(claimed.map((r) => r.id)).not.toContain(created.id);
});

test("a definite rejection of a reschedule after its cancel step returns the row to draft with the reason", async () => {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "S",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  const b = await t.db.rpc<{ row: Row }>("broadcast_begin", {
    p_id: created.id,
    p_action: "schedule",
    p_publish_at: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const recorded = await t.db.rpc<Row>("broadcast_record_provider_id", {
    p_id: created.id,
    p_version: b.row.version,
    p_key: b.row.operation_key,
    p_provider_broadcast_id: "b_2",
  });
  await t.db.rpc("broadcast_confirm", { p_id: created.id, p_version: recorded.version, p_key: b.row.operation_key });
  const r = await t.db.rpc<{ row: Row }>("broadcast_begin", {
    p_id: created.id,
    p_action: "reschedule",
    p_publish_at: new Date(Date.now() + 7_200_000).toISOString(),
  });
  const rolled = await t.db.rpc<Row>("broadcast_rollback", {
    p_id: created.id,
    p_version: r.row.version,
    p_key: r.row.operation_key,
    p_error: "422 invalid scheduled_at",
    p_to_status: "draft",
  });
  expect(rolled.send_status).toBe("draft");
  expect(rolled.last_error).toMatch(/reschedule rejected by the provider: 422 invalid scheduled_at/);
});
