// A definite rejection returns the row to where it started, or to an explicit
// resting state the provider can have after the operation's earlier steps
// (draft, scheduled, failed). Rolling a refused send back to 'sent' or
// 'canceled' would record a broadcast the provider never sent or cancelled:
// refused as invalid input; the operation stays in flight, still owned by its
// caller, who can then roll back correctly.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BroadcastRow } from "../../../src/shared/data/broadcasts.ts";
import { InvalidInputError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { owner, recorded } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

test.each(["sent", "canceled"])("a rollback to %s is refused and the send stays in flight", async (status) => {
  const sending = await recorded(t.db, "b_1");
  const op = owner(sending);

  await expect(t.db.rpc("broadcast_rollback", { ...op, p_error: "422 refused", p_to_status: status }))
    .rejects.toBeInstanceOf(InvalidInputError);
  expect(await t.db.rpc<BroadcastRow>("broadcast_get", { p_id: sending.id })).toEqual(sending);

  const rolled = await t.db.rpc<BroadcastRow>("broadcast_rollback", { ...op, p_error: "422 refused" });
  expect(rolled.send_status).toBe("draft");
});
