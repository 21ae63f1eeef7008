// broadcast_begin's state machine for "schedule": only a draft may start one.
// A scheduled, sent, canceled, failed or in-flight row refuses with its state
// and is left exactly as it was (same version), so the caller makes no
// provider call.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BeginAnswer } from "../../../src/shared/data/broadcasts.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { inHours, rowIn } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

test.each(["scheduled", "sent", "canceled", "failed", "sending"] as const)(
  "a %s broadcast refuses to schedule and is left unchanged",
  async (state) => {
    const before = await rowIn(t, state);
    const answer = await t.db.rpc<BeginAnswer>("broadcast_begin", {
      p_id: before.id,
      p_action: "schedule",
      p_publish_at: inHours(2),
    });
    expect(answer.started).toBe(false);
    expect(answer.reason).toBe(`cannot schedule a broadcast that is ${state}`);
    expect(await t.db.rpc("broadcast_get", { p_id: before.id })).toEqual(before);
  },
);

test("a draft starts scheduling", async () => {
  const draft = await rowIn(t, "draft");
  const answer = await t.db.rpc<BeginAnswer>("broadcast_begin", {
    p_id: draft.id,
    p_action: "schedule",
    p_publish_at: inHours(2),
  });
  expect(answer.started).toBe(true);
  expect(answer.row.send_status).toBe("scheduling");
});
