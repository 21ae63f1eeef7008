// A row the resolver gave up on (it could not read the provider's state within
// its bounded attempts) is 'unresolved': nobody knows what the provider has,
// so no editor action may start, and the refusal says why the row is stuck
// (the resolver's recorded reason, which tells the operator to check the
// provider and requeue it) rather than a generic "cannot X a broadcast that is
// unresolved". The row is left exactly as it was.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

interface Row {
  id: string;
  send_status: string;
  version: number;
  operation_key: string;
}
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const REASON = "could not read the provider's state; check the broadcast at Resend, then requeue it";

async function unresolved(): Promise<Row> {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "Weekly",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  const begun = await t.db.rpc<{ row: Row }>("broadcast_begin", {
    p_id: created.id,
    p_action: "schedule",
    p_publish_at: inHours(2),
  });
  return await t.db.rpc<Row>("broadcast_mark_unresolved", {
    p_id: created.id,
    p_version: begun.row.version,
    p_key: begun.row.operation_key,
    p_reason: REASON,
  });
}

test.each(
  [
    ["schedule", { p_publish_at: inHours(2) }],
    ["send", {}],
    ["reschedule", { p_publish_at: inHours(3) }],
    ["cancel", {}],
  ] as const,
)("%s is refused with the resolver's reason and changes nothing", async (action, args) => {
  const row = await unresolved();
  expect(row.send_status).toBe("unresolved");
  const answer = await t.db.rpc<{ started: boolean; reason: string }>("broadcast_begin", {
    p_id: row.id,
    p_action: action,
    ...args,
  });
  expect(answer.started).toBe(false);
  expect(answer.reason).toBe(`broadcast is unresolved after schedule: ${REASON}`);
  expect(await t.db.rpc<Row>("broadcast_get", { p_id: row.id })).toEqual(row);
});
