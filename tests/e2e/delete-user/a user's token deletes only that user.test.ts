import { afterAll, beforeAll, expect, test } from "vitest";
import { mintAccessToken } from "../../../dev/mint-token.ts";
import { goTrueSimClient } from "../../../dev/sim/gotrue.ts";
import { resendSimClient } from "../../../dev/sim/resend.ts";
import { callFunction } from "../../support/functions.ts";
import { CRON_SECRET, SERVICE_ROLE_KEY } from "../../support/stack.ts";
import { AUDIENCE, type DeletionStack, startDeletionStack } from "./stack.ts";

let stack: DeletionStack;
beforeAll(async () => {
  stack = await startDeletionStack();
});
afterAll(() => stack?.close());

async function seed(email: string) {
  const user = await goTrueSimClient(stack.gotrue.url).createUser({ email });
  await resendSimClient(stack.resend.url).addContact(email, AUDIENCE);
  await stack.t
    .sql`insert into public.managed_calendars (user_id, calendar_id, name) values (${user.id}, 'c1', 'Work')`;
  return { ...user, token: await mintAccessToken({ sub: user.id, email }) };
}

const call = (name: string, token: string | null, body: unknown) => callFunction(stack.fns.url(name), { token, body });

test("Ada's token naming Grace is 403 and Grace keeps everything; Ada deleting herself is 202 done", async () => {
  const ada = await seed("ada@example.test");
  const grace = await seed("grace@example.test");

  const denied = await call("delete-user", ada.token, { user_id: grace.id });
  expect(denied.status).toBe(403);
  expect(await stack.t.sql`select 1 from app_private.user_deletions`).toHaveLength(0);
  const auth = await goTrueSimClient(stack.gotrue.url).state();
  expect(auth.users.map((u) => u.id).sort()).toEqual([ada.id, grace.id].sort());
  expect(auth.calls.filter((c) => c.endpoint !== "create")).toEqual([]);

  expect((await call("delete-user", null, {})).status).toBe(401);

  const own = await call("delete-user", ada.token, {});
  expect(own).toEqual({
    status: 202,
    body: {
      user_id: ada.id,
      status: "done",
      steps_done: ["block", "pivot", "contact", "auth"],
      advanced: true,
      last_error: null,
    },
  });
  const after = await goTrueSimClient(stack.gotrue.url).state();
  expect(after.users.map((u) => u.id)).toEqual([grace.id]);
  expect((await resendSimClient(stack.resend.url).state()).contacts.map((c) => c.email)).toEqual([
    "grace@example.test",
  ]);
  const calendars = await stack.t.sql`select user_id from public.managed_calendars`;
  expect(calendars.map((r) => r.user_id)).toEqual([grace.id]);
});

test("the service role names the user; the resumer runs under the cron secret", async () => {
  const lin = await seed("lin@example.test");
  const res = await call("delete-user", SERVICE_ROLE_KEY, { user_id: lin.id });
  expect(res.body).toMatchObject({ status: "done" });
  expect((await call("delete-user", SERVICE_ROLE_KEY, {})).status).toBe(400);
  const resumed = await call("delete-user-resume", CRON_SECRET, {});
  expect(resumed.status).toBe(200);
  expect(resumed.body).toMatchObject({ claimed: 0 });
});
