// broadcast_begin's state machine for "schedule": only a draft may start one.
// A scheduled, sent, canceled, failed or in-flight row refuses with its state
// and is left exactly as it was (same version), so the caller makes no
// provider call.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

interface Row {
  id: string;
  send_status: string;
  version: number;
}
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

async function rowIn(state: string): Promise<Row> {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: `In ${state}`,
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  if (state === "sending") {
    await t.db.rpc("broadcast_begin", { p_id: created.id, p_action: "send" });
  } else if (state !== "draft") {
    // Resting states the provider can put a row in, written directly (the test owns the database).
    await t.sql`
      update app_private.broadcasts
         set send_status = ${state},
             provider_broadcast_id = case when ${state} in ('scheduled', 'sent', 'canceled') then 'p_' || id::text end,
             publish_at = case when ${state} = 'scheduled' then ${inHours(5)}::timestamptz end,
             sent_at = case when ${state} = 'sent' then now() end
       where id = ${created.id}`;
  }
  const [row] = await t.sql<
    Row[]
  >`select id, send_status, version from app_private.broadcasts where id = ${created.id}`;
  return row!;
}

test.each(["scheduled", "sent", "canceled", "failed", "sending"])(
  "a %s broadcast refuses to schedule and is left unchanged",
  async (state) => {
    const before = await rowIn(state);
    const answer = await t.db.rpc<{ started: boolean; reason: string; row: Row }>("broadcast_begin", {
      p_id: before.id,
      p_action: "schedule",
      p_publish_at: inHours(2),
    });
    expect(answer.started).toBe(false);
    expect(answer.reason).toBe(`cannot schedule a broadcast that is ${state}`);
    const [after] = await t.sql<
      Row[]
    >`select id, send_status, version from app_private.broadcasts where id = ${before.id}`;
    expect(after).toEqual(before);
  },
);

test("a draft starts scheduling", async () => {
  const draft = await rowIn("draft");
  const answer = await t.db.rpc<{ started: boolean; row: Row }>("broadcast_begin", {
    p_id: draft.id,
    p_action: "schedule",
    p_publish_at: inHours(2),
  });
  expect(answer.started).toBe(true);
  expect(answer.row.send_status).toBe("scheduling");
});
