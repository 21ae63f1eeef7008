// The pivot deletes the user's data for good, so it runs only after the user
// is blocked in Auth: an unblocked user could keep creating data behind the
// pivot (new sessions, new syncs) that nothing would ever delete. A pivot
// asked of a saga without its block step is refused as a conflict and deletes
// nothing; once the block is recorded the same claim's pivot goes through.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ConflictError } from "../../../src/shared/errors.ts";
import { calendar, newUserId, storedCalendars, sync } from "../../support/calendars.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

interface Saga {
  status: string;
  steps: Record<string, unknown>;
  claim_token: string;
}

it("refuses the pivot before the block step and keeps the user's calendars", async () => {
  const user = newUserId();
  await sync(t.db, user, [calendar("cal-1"), calendar("cal-2")]);
  await t.db.rpc("user_deletion_request", { p_user_id: user, p_requested_by: "service_role" });
  const claimed = await t.db.rpc<Saga>("user_deletion_claim", { p_user_id: user, p_ttl_seconds: 60 });
  const key = { p_user_id: user, p_claim: claimed.claim_token };

  const pivot = t.db.rpc("user_deletion_pivot", key);
  await expect(pivot).rejects.toBeInstanceOf(ConflictError);
  await expect(pivot).rejects.toThrow(/needs the block step first/);
  expect((await storedCalendars(t.sql, user)).map((c) => c.calendar_id)).toEqual(["cal-1", "cal-2"]);

  await t.db.rpc("user_deletion_step_done", { ...key, p_step: "block", p_email: null });
  const pivoted = await t.db.rpc<Saga>("user_deletion_pivot", key);
  expect(pivoted.steps).toHaveProperty("pivot");
  expect(await storedCalendars(t.sql, user)).toEqual([]);
});
