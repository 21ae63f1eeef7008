// Compensation is fenced like every other step. Run A's ban call hangs (held
// in the Auth simulator) until its claim lapses; run B claims the saga, bans,
// passes the pivot and stops at a failing auth delete. A's ban then fails:
// A must not unban the user, whose data is already gone, because it no
// longer holds the claim.
import { afterAll, beforeAll, expect, test } from "vitest";
import { LeaseLostError } from "../../../src/shared/errors.ts";
import { requestDeletion } from "../../../src/shared/jobs/delete-user/run.ts";
import { type DeletionStack, settings, startDeletionStack } from "./stack.ts";

let s: DeletionStack;
beforeAll(async () => {
  s = await startDeletionStack();
});
afterAll(async () => s?.close());

async function until(check: () => Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("condition never held");
}

test("the stale run's compensation is refused by its lost claim and the user stays banned", async () => {
  const user = await s.seedUser();
  await s.auth.hold("update", 1);
  const stale = requestDeletion(s.ports, settings, user.id, "service_role").then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  await until(async () => (await s.auth.state()).held.length === 1);

  // A's claim lapses while its ban call hangs (the database clock decides).
  await s.t
    .sql`update app_private.user_deletions set claimed_until = now() - interval '1 second' where user_id = ${user.id}`;

  // B takes over: bans, pivots, removes the contact, and fails at the auth delete.
  await s.auth.faults({ errors5xx: { next: 1, endpoint: "delete" } });
  const taker = await requestDeletion(s.ports, settings, user.id, "service_role");
  expect(taker).toMatchObject({ status: "in_progress", steps_done: ["block", "pivot", "contact"], advanced: true });

  // A's ban now fails.
  await s.auth.faults({ errors5xx: { next: 1, endpoint: "update" } });
  await s.auth.release("update");
  const a = await stale;
  expect(a.ok).toBe(false);
  expect(a.ok ? null : a.e).toBeInstanceOf(LeaseLostError);

  const effects = await s.effects(user.id, user.email);
  expect(effects.unbanned).toBe(0);
  const left = await s.remains(user);
  expect(left.authUser?.banned_until).not.toBeNull();
  expect(left.calendars).toBe(0);
  expect(await s.saga(user.id)).toMatchObject({
    status: "in_progress",
    last_error: expect.stringMatching(/step auth failed/),
  });
});
