// A definite rejection returns the row to where it started, or to an explicit
// resting state the provider can have after the operation's earlier steps
// (draft, scheduled, failed). Rolling a refused send back to 'sent' or
// 'canceled' would record a broadcast the provider never sent or cancelled:
// refused as invalid input; the operation stays in flight, still owned by its
// caller, who can then roll back correctly.
import { afterAll, beforeAll, expect, test } from "vitest";
import { InvalidInputError } from "../../../src/shared/errors.ts";
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
}

test.each(["sent", "canceled"])("a rollback to %s is refused and the send stays in flight", async (status) => {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "Weekly",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  const begun = await t.db.rpc<{ row: Row }>("broadcast_begin", { p_id: created.id, p_action: "send" });
  const recorded = await t.db.rpc<Row>("broadcast_record_provider_id", {
    p_id: created.id,
    p_version: begun.row.version,
    p_key: begun.row.operation_key,
    p_provider_broadcast_id: "b_1",
  });
  const op = { p_id: created.id, p_version: recorded.version, p_key: recorded.operation_key };

  await expect(t.db.rpc("broadcast_rollback", { ...op, p_error: "422 refused", p_to_status: status }))
    .rejects.toBeInstanceOf(InvalidInputError);
  expect(await t.db.rpc<Row>("broadcast_get", { p_id: created.id })).toEqual(recorded);

  const rolled = await t.db.rpc<Row>("broadcast_rollback", { ...op, p_error: "422 refused" });
  expect(rolled.send_status).toBe("draft");
});
