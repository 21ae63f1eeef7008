import { afterAll, beforeAll, expect, test } from "vitest";
import { requestDeletion } from "../../../src/shared/jobs/delete-user/run.ts";
import { type DeletionStack, settings, startDeletionStack } from "./stack.ts";

let s: DeletionStack;
beforeAll(async () => {
  s = await startDeletionStack();
});
afterAll(async () => s?.close());

test("the ban is applied but answered with a 500: the user is unbanned, intact, and the saga is aborted with the reason", async () => {
  const user = await s.seedUser();
  await s.auth.faults({ errors5xx: { next: 1, endpoint: "update", afterCommit: true } });

  const outcome = await requestDeletion(s.ports, settings, user.id, `self:${user.id}`);
  expect(outcome.status).toBe("aborted");
  expect(outcome.steps_done).toEqual([]);

  const saga = await s.saga(user.id);
  expect(saga.status).toBe("aborted");
  expect(saga.last_error).toMatch(
    /blocking the user failed: .*ban failed \(500\).*; the user was unbanned and nothing was deleted/,
  );

  const left = await s.remains(user);
  expect(left.authUser).toMatchObject({ id: user.id, banned_until: null });
  expect(left.contact).not.toBeNull();
  expect(left.calendars).toBe(2);
  expect(left.history).toBe(1);
  expect(await s.effects(user.id, user.email)).toMatchObject({ banned: 1, unbanned: 1, deleted: 0, contactRemoved: 0 });
});

test("asking again after an aborted saga starts it over and finishes", async () => {
  const user = await s.seedUser();
  await s.auth.faults({ errors5xx: { next: 1, endpoint: "update" } });
  expect((await requestDeletion(s.ports, settings, user.id, "service_role")).status).toBe("aborted");
  const again = await requestDeletion(s.ports, settings, user.id, "service_role");
  expect(again).toMatchObject({ status: "done", steps_done: ["block", "pivot", "contact", "auth"] });
  expect(await s.remains(user)).toEqual({ calendars: 0, history: 0, authUser: null, contact: null });
});
