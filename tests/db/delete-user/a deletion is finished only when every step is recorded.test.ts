// 'done' is the tombstone that says the user is gone everywhere; it also
// erases the address the contact step needs. Finishing a saga that has not
// recorded block, pivot, contact and auth would leave the user's data, their
// email contact or their Auth account behind with nothing left to resume it.
// Every earlier finish is refused as a conflict and changes nothing.
import { afterAll, beforeAll, expect, test } from "vitest";
import { ConflictError } from "../../../src/shared/errors.ts";
import { newUserId } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

interface Saga {
  status: string;
  email: string | null;
  steps: Record<string, unknown>;
  claim_token: string;
  finished_at: string | null;
}

async function sagaWith(steps: string[]) {
  const user = newUserId();
  await t.db.rpc("user_deletion_request", { p_user_id: user, p_requested_by: "service_role" });
  const claimed = await t.db.rpc<Saga>("user_deletion_claim", { p_user_id: user, p_ttl_seconds: 60 });
  const key = { p_user_id: user, p_claim: claimed.claim_token };
  let row = claimed;
  for (const step of steps) {
    row = step === "pivot"
      ? await t.db.rpc<Saga>("user_deletion_pivot", key)
      : await t.db.rpc<Saga>("user_deletion_step_done", { ...key, p_step: step, p_email: "ada@example.test" });
  }
  return { key, row };
}

test.each([
  [[]],
  [["block"]],
  [["block", "pivot"]],
  [["block", "pivot", "contact"]],
])("a saga with steps %j is not finished and keeps what it needs", async (steps) => {
  const { key, row } = await sagaWith(steps);
  await expect(t.db.rpc("user_deletion_finish", key)).rejects.toBeInstanceOf(ConflictError);
  // Another step still goes through with the same claim: nothing was finished.
  const next = ["block", "pivot", "contact", "auth"][steps.length]!;
  const after = next === "pivot"
    ? await t.db.rpc<Saga>("user_deletion_pivot", key)
    : await t.db.rpc<Saga>("user_deletion_step_done", { ...key, p_step: next, p_email: "ada@example.test" });
  expect(after).toMatchObject({ status: "in_progress", finished_at: null });
  expect(Object.keys(after.steps)).toEqual(expect.arrayContaining([...steps, next]));
  if (steps.length > 0) expect(after.email).toBe(row.email);
});

test("a saga with every step recorded is finished and forgets the address", async () => {
  const { key } = await sagaWith(["block", "pivot", "contact", "auth"]);
  expect(await t.db.rpc<Saga>("user_deletion_finish", key)).toMatchObject({ status: "done", email: null });
});
