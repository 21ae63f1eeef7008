// The resolver mirrors what the provider shows for a broadcast. A state this
// project does not know (a status Resend adds later) cannot be mapped to a row
// state; the settle is refused as invalid input naming that state, which is
// what the resolver reports for the run ("recording it failed: ..."), and the
// row stays claimed for the next run.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BroadcastRow } from "../../../src/shared/data/broadcasts.ts";
import { InvalidInputError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { begun, owner } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

test("an unknown provider status is refused, named, and the row is unchanged", async () => {
  const row = await begun(t.db);

  const settle = t.db.rpc("broadcast_settle_to_provider", {
    ...owner(row),
    p_provider_broadcast_id: "b_1",
    p_provider_status: "processing",
  });
  await expect(settle).rejects.toBeInstanceOf(InvalidInputError);
  await expect(settle).rejects.toThrow(/unknown provider status processing/);
  expect(await t.db.rpc<BroadcastRow>("broadcast_get", { p_id: row.id })).toEqual(row);
});
