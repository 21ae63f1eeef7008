// A row the resolver gave up on (it could not read the provider's state within
// its bounded attempts) is 'unresolved': nobody knows what the provider has,
// so no editor action may start, and the refusal says why the row is stuck
// (the resolver's recorded reason, which tells the operator to check the
// provider and requeue it) rather than a generic "cannot X a broadcast that is
// unresolved". The row is left exactly as it was.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BroadcastRow } from "../../../src/shared/data/broadcasts.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { inHours, unresolved } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

const REASON = "could not read the provider's state; check the broadcast at Resend, then requeue it";

test.each(
  [
    ["schedule", { p_publish_at: inHours(2) }],
    ["send", {}],
    ["reschedule", { p_publish_at: inHours(3) }],
    ["cancel", {}],
  ] as const,
)("%s is refused with the resolver's reason and changes nothing", async (action, args) => {
  const row = await unresolved(t.db, REASON);
  expect(row.send_status).toBe("unresolved");
  const answer = await t.db.rpc<{ started: boolean; reason: string }>("broadcast_begin", {
    p_id: row.id,
    p_action: action,
    ...args,
  });
  expect(answer.started).toBe(false);
  expect(answer.reason).toBe(`broadcast is unresolved after schedule: ${REASON}`);
  expect(await t.db.rpc<BroadcastRow>("broadcast_get", { p_id: row.id })).toEqual(row);
});
