// A second, different provider id for one row means a second broadcast exists
// at the provider (a create repeated after its answer was lost). Overwriting
// the first id would forget a broadcast that may still send; the write is
// refused as a conflict and the row keeps the first id. Recording the same id
// again (a retried write) is accepted.
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
  provider_broadcast_id: string | null;
}

test("a different id is a conflict; the same id again is accepted", async () => {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "Weekly",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  const begun = await t.db.rpc<{ row: Row }>("broadcast_begin", { p_id: created.id, p_action: "send" });
  const first = await t.db.rpc<Row>("broadcast_record_provider_id", {
    p_id: created.id,
    p_version: begun.row.version,
    p_key: begun.row.operation_key,
    p_provider_broadcast_id: "b_first",
  });

  const second = t.db.rpc("broadcast_record_provider_id", {
    p_id: created.id,
    p_version: first.version,
    p_key: first.operation_key,
    p_provider_broadcast_id: "b_second",
  });
  await expect(second).rejects.toBeInstanceOf(ConflictError);
  await expect(second).rejects.toThrow(/already has provider broadcast b_first/);
  expect(await t.db.rpc<Row>("broadcast_get", { p_id: created.id })).toEqual(first);

  const again = await t.db.rpc<Row>("broadcast_record_provider_id", {
    p_id: created.id,
    p_version: first.version,
    p_key: first.operation_key,
    p_provider_broadcast_id: "b_first",
  });
  expect(again.provider_broadcast_id).toBe("b_first");
});
