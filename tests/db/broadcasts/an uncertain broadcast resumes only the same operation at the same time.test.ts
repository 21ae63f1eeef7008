// An uncertain broadcast (a provider call whose outcome is unknown) may be
// finished only by repeating the operation that became uncertain, with the
// same publish time: its driver then reads the provider's state before doing
// anything. Any other action would act on a provider state nobody knows (a
// send of a broadcast the lost schedule call may have scheduled, a schedule
// at another time), so it is refused with the reason and leaves the row as it
// was.
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
  attempts: number;
  operation_key: string;
  pending_action: string | null;
}
interface Begin {
  started: boolean;
  resumed?: boolean;
  reason?: string;
  row: Row;
}
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

async function uncertainSchedule(publishAt: string): Promise<Row> {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "Weekly",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  const begun = await t.db.rpc<Begin>("broadcast_begin", {
    p_id: created.id,
    p_action: "schedule",
    p_publish_at: publishAt,
  });
  return await t.db.rpc<Row>("broadcast_mark_uncertain", {
    p_id: created.id,
    p_version: begun.row.version,
    p_key: begun.row.operation_key,
    p_error: "timed out after sending",
  });
}

test.each(
  [
    ["send", {}],
    ["cancel", {}],
    ["reschedule", { p_publish_at: inHours(3) }],
    ["schedule at another time", { p_publish_at: inHours(4) }],
  ] as const,
)("%s is refused with the reason and the row is unchanged", async (what, args) => {
  const uncertain = await uncertainSchedule(inHours(2));
  const answer = await t.db.rpc<Begin>("broadcast_begin", {
    p_id: uncertain.id,
    p_action: what.split(" ")[0],
    ...args,
  });
  expect(answer.started).toBe(false);
  expect(answer.reason).toMatch(/uncertain after schedule/);
  const after = await t.db.rpc<Row>("broadcast_get", { p_id: uncertain.id });
  expect(after).toEqual(uncertain);
});

test("the same schedule at the same time resumes the operation", async () => {
  const publishAt = inHours(2);
  const uncertain = await uncertainSchedule(publishAt);
  const answer = await t.db.rpc<Begin>("broadcast_begin", {
    p_id: uncertain.id,
    p_action: "schedule",
    p_publish_at: publishAt,
  });
  expect(answer).toMatchObject({ started: true, resumed: true });
  expect(answer.row).toMatchObject({
    send_status: "scheduling",
    operation_key: uncertain.operation_key,
    attempts: uncertain.attempts + 1,
  });
});
