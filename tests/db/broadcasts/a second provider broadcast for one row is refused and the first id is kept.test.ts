// A second, different provider id for one row means a second broadcast exists
// at the provider (a create repeated after its answer was lost). Overwriting
// the first id would forget a broadcast that may still send; the write is
// refused as a conflict and the row keeps the first id. Recording the same id
// again (a retried write) is accepted.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BroadcastRow } from "../../../src/shared/data/broadcasts.ts";
import { ConflictError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { owner, recorded } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

test("a different id is a conflict; the same id again is accepted", async () => {
  const first = await recorded(t.db, "b_first");

  const second = t.db.rpc("broadcast_record_provider_id", { ...owner(first), p_provider_broadcast_id: "b_second" });
  await expect(second).rejects.toBeInstanceOf(ConflictError);
  await expect(second).rejects.toThrow(/already has provider broadcast b_first/);
  expect(await t.db.rpc<BroadcastRow>("broadcast_get", { p_id: first.id })).toEqual(first);

  const again = await t.db.rpc<BroadcastRow>("broadcast_record_provider_id", {
    ...owner(first),
    p_provider_broadcast_id: "b_first",
  });
  expect(again.provider_broadcast_id).toBe("b_first");
});
