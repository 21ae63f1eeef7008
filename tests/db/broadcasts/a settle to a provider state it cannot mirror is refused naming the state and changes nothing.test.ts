// The resolver mirrors what the provider shows for a broadcast. A state this
// project does not know (a status Resend adds later) cannot be mapped to a row
// state; the settle is refused as invalid input naming that state, which is
// what the resolver reports for the run ("recording it failed: ..."), and the
// row stays claimed for the next run.
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
}

test("an unknown provider status is refused, named, and the row is unchanged", async () => {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "Weekly",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  const begun = await t.db.rpc<{ row: Row }>("broadcast_begin", { p_id: created.id, p_action: "send" });

  const settle = t.db.rpc("broadcast_settle_to_provider", {
    p_id: created.id,
    p_version: begun.row.version,
    p_key: begun.row.operation_key,
    p_provider_broadcast_id: "b_1",
    p_provider_status: "processing",
  });
  await expect(settle).rejects.toBeInstanceOf(InvalidInputError);
  await expect(settle).rejects.toThrow(/unknown provider status processing/);
  expect(await t.db.rpc<Row>("broadcast_get", { p_id: created.id })).toEqual(begun.row);
});
