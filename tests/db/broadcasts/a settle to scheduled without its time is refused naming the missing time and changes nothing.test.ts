// A broadcast the provider shows as scheduled has a time; settling a row to
// 'scheduled' without it would record a schedule nobody can check or show.
// The settle is refused as invalid input that says the time is missing (the
// resolver reports that message for the run), and the row stays claimed.
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

test("scheduled without scheduled_at is refused, named, and the row is unchanged", async () => {
  const created = await t.db.rpc<Row>("broadcast_create", {
    p_subject: "Weekly",
    p_content_html: "<p>x</p>",
    p_audience_id: "aud",
  });
  const begun = await t.db.rpc<{ row: Row }>("broadcast_begin", {
    p_id: created.id,
    p_action: "schedule",
    p_publish_at: new Date(Date.now() + 7_200_000).toISOString(),
  });

  const settle = t.db.rpc("broadcast_settle_to_provider", {
    p_id: created.id,
    p_version: begun.row.version,
    p_key: begun.row.operation_key,
    p_provider_broadcast_id: "b_1",
    p_provider_status: "scheduled",
    p_scheduled_at: null,
  });
  await expect(settle).rejects.toBeInstanceOf(InvalidInputError);
  await expect(settle).rejects.toThrow(/scheduled broadcast needs its scheduled_at/);
  expect(await t.db.rpc<Row>("broadcast_get", { p_id: created.id })).toEqual(begun.row);
});
