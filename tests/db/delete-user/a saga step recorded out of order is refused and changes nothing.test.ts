// The saga log's order is the database's to keep, not only the TypeScript
// saga's: a step recorded before the one it follows (a contact removal before
// the pivot, the auth delete before the contact) is refused and the log stays
// as it was, so it can never claim the auth user is gone while the data is
// still there.
import { afterAll, beforeAll, expect, test } from "vitest";
import { ConflictError } from "../../../src/shared/errors.ts";
import { newUserId } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function claimedSaga() {
  const userId = newUserId();
  await t.db.rpc("user_deletion_request", { p_user_id: userId, p_requested_by: "service_role" });
  const claimed = await t.db.rpc<{ claim_token: string }>("user_deletion_claim", {
    p_user_id: userId,
    p_ttl_seconds: 60,
  });
  return { userId, key: { p_user_id: userId, p_claim: claimed.claim_token } };
}

const logOf = async (userId: string) => {
  const [row] = await t.sql`select status, steps, email from app_private.user_deletions where user_id = ${userId}`;
  return row;
};

test.each(
  [
    ["contact before the pivot", ["block"], "contact"],
    ["auth before the contact", ["block", "pivot"], "auth"],
    ["auth before anything", [], "auth"],
    ["contact before anything", [], "contact"],
  ] as const,
)("%s is refused and the log is unchanged", async (_what, before, step) => {
  const { userId, key } = await claimedSaga();
  for (const done of before) {
    if (done === "pivot") await t.db.rpc("user_deletion_pivot", key);
    else await t.db.rpc("user_deletion_step_done", { ...key, p_step: done, p_email: "ada@example.test" });
  }
  const log = await logOf(userId);

  const refused = t.db.rpc("user_deletion_step_done", { ...key, p_step: step });
  await expect(refused).rejects.toBeInstanceOf(ConflictError);
  await expect(refused).rejects.toThrow(new RegExp(`cannot record ${step}`));
  expect(await logOf(userId)).toEqual(log);
});

test("in order, every step is recorded", async () => {
  const { userId, key } = await claimedSaga();
  await t.db.rpc("user_deletion_step_done", { ...key, p_step: "block", p_email: "ada@example.test" });
  await t.db.rpc("user_deletion_pivot", key);
  await t.db.rpc("user_deletion_step_done", { ...key, p_step: "contact" });
  await t.db.rpc("user_deletion_step_done", { ...key, p_step: "auth" });
  expect(Object.keys((await logOf(userId))!.steps).sort()).toEqual([
    "auth",
    "block",
    "contact",
    "pivot",
    "pivot_counts",
  ]);
});
