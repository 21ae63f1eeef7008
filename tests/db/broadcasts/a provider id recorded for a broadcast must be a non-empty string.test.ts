// The provider's broadcast id is what the resolver reads the broadcast back
// by after a crash; recording an empty or missing one would overwrite nothing
// useful and still bump the row's version. Refused as invalid input, and the
// operation can still record the real id afterwards.
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

test.each([["an empty string", ""], ["null", null]])("%s is refused and changes nothing", async (_what, value) => {
  const row = await begun(t.db);
  const op = owner(row);

  await expect(t.db.rpc("broadcast_record_provider_id", { ...op, p_provider_broadcast_id: value }))
    .rejects.toBeInstanceOf(InvalidInputError);
  expect(await t.db.rpc<BroadcastRow>("broadcast_get", { p_id: row.id })).toEqual(row);

  const recorded = await t.db.rpc<BroadcastRow>("broadcast_record_provider_id", {
    ...op,
    p_provider_broadcast_id: "b_1",
  });
  expect(recorded.provider_broadcast_id).toBe("b_1");
});
