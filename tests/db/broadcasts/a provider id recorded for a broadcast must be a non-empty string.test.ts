// The provider's broadcast id is what the resolver reads the broadcast back
// by after a crash; recording an empty or missing one would overwrite nothing
// useful and still bump the row's version. Refused as invalid input, and the
// operation can still record the real id afterwards.
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
  provider_broadcast_id: string | null;
}

test.each([["an empty string", ""], ["null", null]])("%s is refused and changes nothing", async (_what, value) => {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "Weekly",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  const begun = await t.db.rpc<{ row: Row }>("broadcast_begin", { p_id: created.id, p_action: "send" });
  const op = { p_id: created.id, p_version: begun.row.version, p_key: begun.row.operation_key };

  await expect(t.db.rpc("broadcast_record_provider_id", { ...op, p_provider_broadcast_id: value }))
    .rejects.toBeInstanceOf(InvalidInputError);
  expect(await t.db.rpc<Row>("broadcast_get", { p_id: created.id })).toEqual(begun.row);

  const recorded = await t.db.rpc<Row>("broadcast_record_provider_id", { ...op, p_provider_broadcast_id: "b_1" });
  expect(recorded.provider_broadcast_id).toBe("b_1");
});
