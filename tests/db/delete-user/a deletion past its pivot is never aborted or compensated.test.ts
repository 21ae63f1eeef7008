// After the pivot the user's data is gone; nothing can bring it back, so the
// saga can only be finished. The database refuses every way of undoing it:
// recording the failure as aborted or compensating, or starting compensation,
// whatever the run asking; and the row is left exactly as it was.
import { afterAll, beforeAll, expect, test } from "vitest";
import { ConflictError } from "../../../src/shared/errors.ts";
import { newUserId } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function pastThePivot() {
  const userId = newUserId();
  await t.db.rpc("user_deletion_request", { p_user_id: userId, p_requested_by: "service_role" });
  const claimed = await t.db.rpc<{ claim_token: string }>("user_deletion_claim", {
    p_user_id: userId,
    p_ttl_seconds: 60,
  });
  const key = { p_user_id: userId, p_claim: claimed.claim_token };
  await t.db.rpc("user_deletion_step_done", { ...key, p_step: "block", p_email: "ada@example.test" });
  await t.db.rpc("user_deletion_pivot", key);
  return { userId, key };
}

const rowOf = async (userId: string) => {
  const [row] = await t.sql`select status, steps, attempts, last_error, claim_token, finished_at
                              from app_private.user_deletions where user_id = ${userId}`;
  return row;
};

test.each(
  [
    ["recording the failure as aborted", "user_deletion_fail", { p_error: "ban failed", p_outcome: "aborted" }],
    ["recording the failure as compensating", "user_deletion_fail", {
      p_error: "unban failed",
      p_outcome: "compensating",
    }],
    ["starting compensation", "user_deletion_compensating", { p_error: "ban failed" }],
  ] as const,
)("%s is refused and the saga stays in progress, unchanged", async (_what, fn, args) => {
  const { userId, key } = await pastThePivot();
  const before = await rowOf(userId);
  const refused = t.db.rpc(fn, { ...key, ...args });
  await expect(refused).rejects.toBeInstanceOf(ConflictError);
  await expect(refused).rejects.toThrow(/past its pivot|cannot be compensated/);
  const after = await rowOf(userId);
  expect(after).toEqual(before);
  expect(after!.status).toBe("in_progress");
});

test("a failure after the pivot is recorded for a forward retry, and the saga is still finished", async () => {
  const { userId, key } = await pastThePivot();
  const failed = await t.db.rpc<{ status: string }>("user_deletion_fail", {
    ...key,
    p_error: "auth delete failed",
    p_outcome: "retry",
    p_base_seconds: 0,
    p_cap_seconds: 0,
  });
  expect(failed.status).toBe("in_progress");
  const [again] = await t.db.rpc<{ claim_token: string }[]>("user_deletion_claim_due", {
    p_ttl_seconds: 60,
    p_limit: 1000,
  })
    .then((rows) => rows.filter((r) => (r as unknown as { user_id: string }).user_id === userId));
  const key2 = { p_user_id: userId, p_claim: again!.claim_token };
  await t.db.rpc("user_deletion_step_done", { ...key2, p_step: "contact" });
  await t.db.rpc("user_deletion_step_done", { ...key2, p_step: "auth" });
  expect(await t.db.rpc<{ status: string }>("user_deletion_finish", key2)).toMatchObject({ status: "done" });
});
