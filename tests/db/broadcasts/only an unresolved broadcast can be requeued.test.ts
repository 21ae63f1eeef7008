// broadcast_requeue is an operator's hand-back of a row the resolver gave up
// on. Any other row has an owner: a draft or scheduled row rests, an in-flight
// row belongs to the request driving it, an uncertain row to its editor's
// retry or the resolver. Requeueing one of those would bump its version (the
// owner's next write is refused) and reset its attempt budget, so it is refused
// as a conflict and the row is left as it was.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { BroadcastRow } from "../../../src/shared/data/broadcasts.ts";
import { ConflictError } from "../../../src/shared/errors.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { owner, rowIn } from "./fixtures.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

test.each(["draft", "scheduling", "uncertain"] as const)("a %s row is refused and unchanged", async (state) => {
  const before = await rowIn(t, state);
  await expect(t.db.rpc("broadcast_requeue", { p_id: before.id })).rejects.toBeInstanceOf(ConflictError);
  expect(await t.db.rpc<BroadcastRow>("broadcast_get", { p_id: before.id })).toEqual(before);
});

test("the owner of an in-flight row still confirms it after a refused requeue", async () => {
  const before = await rowIn(t, "scheduling");
  await expect(t.db.rpc("broadcast_requeue", { p_id: before.id })).rejects.toBeInstanceOf(ConflictError);
  const recorded = await t.db.rpc<BroadcastRow>("broadcast_record_provider_id", {
    ...owner(before),
    p_provider_broadcast_id: "b_1",
  });
  const confirmed = await t.db.rpc<BroadcastRow>("broadcast_confirm", owner(recorded));
  expect(confirmed.send_status).toBe("scheduled");
});

test("an unresolved row goes back to the resolver as uncertain with a fresh budget", async () => {
  const before = await rowIn(t, "unresolved");
  const requeued = await t.db.rpc<BroadcastRow>("broadcast_requeue", { p_id: before.id });
  expect(requeued).toMatchObject({ send_status: "uncertain", attempts: 1, operation_key: before.operation_key });
});
