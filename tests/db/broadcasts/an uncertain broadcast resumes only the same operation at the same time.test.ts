// An uncertain broadcast (a provider call whose outcome is unknown) may be
// finished only by repeating the operation that became uncertain, with the
// same publish time: its driver then reads the provider's state before doing
// anything. Any other action would act on a provider state nobody knows (a
// send of a broadcast the lost schedule call may have scheduled, a schedule
// at another time), so it is refused with the reason and leaves the row as it
// was.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BeginAnswer, BroadcastRow } from "../../../src/shared/data/broadcasts.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { inHours, uncertain } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

test.each(
  [
    ["send", {}],
    ["cancel", {}],
    ["reschedule", { p_publish_at: inHours(3) }],
    ["schedule at another time", { p_publish_at: inHours(4) }],
  ] as const,
)("%s is refused with the reason and the row is unchanged", async (what, args) => {
  const row = await uncertain(t.db, inHours(2), "timed out after sending");
  const answer = await t.db.rpc<BeginAnswer>("broadcast_begin", {
    p_id: row.id,
    p_action: what.split(" ")[0],
    ...args,
  });
  expect(answer.started).toBe(false);
  expect(answer.reason).toMatch(/uncertain after schedule/);
  const after = await t.db.rpc<BroadcastRow>("broadcast_get", { p_id: row.id });
  expect(after).toEqual(row);
});

test("the same schedule at the same time resumes the operation", async () => {
  const publishAt = inHours(2);
  const row = await uncertain(t.db, publishAt, "timed out after sending");
  const answer = await t.db.rpc<BeginAnswer>("broadcast_begin", {
    p_id: row.id,
    p_action: "schedule",
    p_publish_at: publishAt,
  });
  expect(answer).toMatchObject({ started: true, resumed: true });
  expect(answer.row).toMatchObject({
    send_status: "scheduling",
    operation_key: row.operation_key,
    attempts: row.attempts + 1,
  });
});
