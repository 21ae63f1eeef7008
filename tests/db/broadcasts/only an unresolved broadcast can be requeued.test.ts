// broadcast_requeue is an operator's hand-back of a row the resolver gave up
// on. Any other row has an owner: a draft or scheduled row rests, an in-flight
// row belongs to the request driving it, an uncertain row to its editor's
// retry or the resolver. Requeueing one of those would bump its version (the
// owner's next write is refused) and reset its attempt budget, so it is refused
// as a conflict and the row is left as it was.
import { afterAll, beforeAll, expect, test } from "vitest";
import { ConflictError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

interface Row {
  id: string;
  version: number;
  operation_key: string;
  send_status: string;
  attempts: number;
}
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

async function rowIn(state: "draft" | "scheduling" | "uncertain" | "unresolved"): Promise<Row> {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: `In ${state}`,
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  if (state === "draft") return created;
  const begun = await t.db.rpc<{ row: Row }>("broadcast_begin", {
    p_id: created.id,
    p_action: "schedule",
    p_publish_at: inHours(2),
  });
  const op = { p_id: created.id, p_version: begun.row.version, p_key: begun.row.operation_key };
  if (state === "scheduling") return begun.row;
  if (state === "uncertain") return await t.db.rpc<Row>("broadcast_mark_uncertain", { ...op, p_error: "timeout" });
  return await t.db.rpc<Row>("broadcast_mark_unresolved", { ...op, p_reason: "provider unreadable" });
}

test.each(["draft", "scheduling", "uncertain"] as const)("a %s row is refused and unchanged", async (state) => {
  const before = await rowIn(state);
  await expect(t.db.rpc("broadcast_requeue", { p_id: before.id })).rejects.toBeInstanceOf(ConflictError);
  expect(await t.db.rpc<Row>("broadcast_get", { p_id: before.id })).toEqual(before);
});

test("the owner of an in-flight row still confirms it after a refused requeue", async () => {
  const before = await rowIn("scheduling");
  await expect(t.db.rpc("broadcast_requeue", { p_id: before.id })).rejects.toBeInstanceOf(ConflictError);
  const recorded = await t.db.rpc<Row>("broadcast_record_provider_id", {
    p_id: before.id,
    p_version: before.version,
    p_key: before.operation_key,
    p_provider_broadcast_id: "b_1",
  });
  const confirmed = await t.db.rpc<Row>("broadcast_confirm", {
    p_id: before.id,
    p_version: recorded.version,
    p_key: recorded.operation_key,
  });
  expect(confirmed.send_status).toBe("scheduled");
});

test("an unresolved row goes back to the resolver as uncertain with a fresh budget", async () => {
  const before = await rowIn("unresolved");
  const requeued = await t.db.rpc<Row>("broadcast_requeue", { p_id: before.id });
  expect(requeued).toMatchObject({ send_status: "uncertain", attempts: 1, operation_key: before.operation_key });
});
