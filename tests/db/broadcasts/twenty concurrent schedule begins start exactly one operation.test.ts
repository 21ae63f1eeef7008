import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ max: 20 });
});
afterAll(async () => t?.drop());

test("twenty concurrent schedule begins: one starts, nineteen see it in flight", async () => {
  const created = await t.db.rpc<{ id: string }>("broadcast_create", {
    p_subject: "Hello", p_content_html: "<p>hi</p>", p_audience_id: "aud_1",
  });
  const publishAt = new Date(Date.now() + 86_400_000).toISOString();
  const results = await Promise.all(
    Array.from({ length: 20 }, () =>
      t.db.rpc<{ started: boolean; row: { send_status: string; idempotency_key: string } }>("broadcast_begin", {
        p_id: created.id, p_action: "schedule", p_publish_at: publishAt,
      })),
  );
  const started = results.filter((r) => r.started);
  expect(started).toHaveLength(1);
  expect(results.filter((r) => !r.started).map((r) => r.row.send_status)).toEqual(Array(19).fill("scheduling"));
  const [row] = await t.sql`select send_status, idempotency_key, previous_status from public.broadcasts where id = ${created.id}`;
  expect(row).toMatchObject({ send_status: "scheduling", previous_status: "draft", idempotency_key: started[0]!.row.idempotency_key });
});
