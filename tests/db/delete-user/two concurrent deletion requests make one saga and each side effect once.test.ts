import { afterAll, beforeAll, expect, test } from "vitest";
import { requestDeletion } from "../../../src/shared/jobs/delete-user/run.ts";
import { type DeletionStack, settings, startDeletionStack } from "./stack.ts";

let s: DeletionStack;
beforeAll(async () => {
  s = await startDeletionStack();
});
afterAll(async () => s?.close());

test("the second request joins the saga the first is running", async () => {
  const user = await s.seedUser();
  // Hold the first request inside its ban call, so the second arrives mid-saga.
  await s.auth.hold("update", 1);
  const first = requestDeletion(s.ports, settings, user.id, `self:${user.id}`);
  await expect.poll(async () => (await s.auth.state()).held.length).toBe(1);

  const second = await requestDeletion(s.ports, settings, user.id, "service_role");
  expect(second).toMatchObject({ advanced: false, status: "in_progress", steps_done: [] });

  await s.auth.release("update");
  expect(await first).toMatchObject({ advanced: true, status: "done" });

  const [count] = await s.t.sql`select count(*)::int as n from app_private.user_deletions where user_id = ${user.id}`;
  expect(count!.n).toBe(1);
  expect(await s.effects(user.id, user.email)).toEqual({ banned: 1, unbanned: 0, deleted: 1, contactRemoved: 1 });
  expect(await s.remains(user)).toEqual({ calendars: 0, history: 0, authUser: null, contact: null });
});
