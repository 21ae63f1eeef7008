// Banning a user does not revoke the access tokens Auth already issued; they
// stay valid until they expire. Over HTTP, with the user's own token minted
// before the deletion: a calendar sync is refused (403 account_deleted) and
// writes nothing while the saga is blocked at the ban (before the pivot),
// while it waits at the auth delete (after the pivot), and once it is done.
import { afterAll, beforeAll, expect, test } from "vitest";
import { mintAccessToken } from "../../../dev/mint-token.ts";
import { goTrueSimClient } from "../../../dev/sim/gotrue.ts";
import { resendSimClient } from "../../../dev/sim/resend.ts";
import { calendar, until } from "../../support/calendars.ts";
import { callFunction, type FunctionAnswer } from "../../support/functions.ts";
import { AUDIENCE, type DeletionStack, startDeletionStack } from "./stack.ts";

let stack: DeletionStack;
beforeAll(async () => {
  stack = await startDeletionStack();
});
afterAll(() => stack?.close());

const call = (name: string, token: string, body: unknown) => callFunction(stack.fns.url(name), { token, body });

async function stored(userId: string) {
  const rows = await stack.t
    .sql`select calendar_id, name from public.managed_calendars where user_id = ${userId} order by calendar_id`;
  const [rev] = await stack.t
    .sql`select count(*)::int as n from public.managed_calendar_revisions where user_id = ${userId}`;
  return { calendars: rows.map((r) => `${r.calendar_id}:${r.name}`), revisions: rev!.n as number };
}

async function userWithCalendars(email: string) {
  const user = await goTrueSimClient(stack.gotrue.url).createUser({ email });
  await resendSimClient(stack.resend.url).addContact(email, AUDIENCE);
  const token = await mintAccessToken({ sub: user.id, email });
  const first = await call("calendar-sync", token, {
    calendars: [calendar("c1", { name: "Work" }), calendar("c2", { name: "Home" })],
  });
  expect(first.status).toBe(200);
  return { id: user.id, token };
}

const refused = (r: FunctionAnswer) => {
  expect(r.status).toBe(403);
  expect(r.body).toMatchObject({ error: "forbidden", message: expect.stringMatching(/^account_deleted: /) });
};

test.each(
  [
    ["while the ban is in flight (before the pivot)", "update", ["c1:Work", "c2:Home"], 1],
    ["while the auth user is being deleted (after the pivot)", "delete", [], 0],
  ] as const,
)("%s, and after the deletion is done, the user's token syncs nothing", async (_when, endpoint, during, revisions) => {
  const user = await userWithCalendars(`${endpoint}@example.test`);
  const sim = goTrueSimClient(stack.gotrue.url);
  await sim.hold(endpoint, 1);
  const deletion = call("delete-user", user.token, {});
  await until(async () => (await sim.state()).held.length === 1, `the ${endpoint} call is held`);

  refused(await call("calendar-sync", user.token, { calendars: [calendar("c1", { name: "Back" }), calendar("c9")] }));
  expect(await stored(user.id)).toEqual({ calendars: during, revisions });

  await sim.release(endpoint);
  expect(await deletion).toMatchObject({ status: 202, body: { status: "done" } });

  refused(await call("calendar-sync", user.token, { calendars: [calendar("c1", { name: "Back" })] }));
  expect(await stored(user.id)).toEqual({ calendars: [], revisions: 0 });
  // Asking again still answers done: nothing came back to delete.
  expect((await call("delete-user", user.token, {})).body).toMatchObject({ status: "done" });
});
