// The saga's Auth port is supabase-js's auth.admin, talking over HTTP to the
// GoTrue simulator (which serves the requests supabase-js 2.84.0 sends). The
// delete must really remove the user (not soft-delete it), a user already gone
// counts as done, and an answer that may have been applied is "unknown".
import { afterAll, beforeAll, expect, test } from "vitest";
import { goTrueSimClient, startGoTrueSimulator } from "../../../dev/sim/gotrue.ts";
import { UpstreamError } from "../../../src/shared/errors.ts";
import { createAuthAdmin } from "../../../src/shared/providers/auth-admin/client.ts";

let sim: Awaited<ReturnType<typeof startGoTrueSimulator>>;
beforeAll(async () => {
  sim = await startGoTrueSimulator({ port: 0 });
});
afterAll(async () => sim?.close());

const admin = () => createAuthAdmin({ url: sim.url, serviceRoleKey: "local-service-role-key", timeoutMs: 1000 });

test("ban, unban and delete reach the user, and the delete is a hard delete", async () => {
  const user = await goTrueSimClient(sim.url).createUser({ email: "ban@example.test" });
  expect(await admin().getUser(user.id)).toEqual({ id: user.id, email: "ban@example.test" });
  expect(await admin().ban(user.id, "876000h")).toBe(true);
  expect((await sim.state()).users.find((u) => u.id === user.id)?.banned_until).not.toBeNull();
  await admin().unban(user.id);
  expect((await sim.state()).users.find((u) => u.id === user.id)?.banned_until).toBeNull();
  await admin().deleteUser(user.id);
  const state = await sim.state();
  expect(state.users.find((u) => u.id === user.id)).toBeUndefined();
  expect(state.calls.filter((c) => c.user_id === user.id).map((c) => `${c.endpoint}:${c.status}:${c.effect ?? ""}`))
    .toEqual(["get:200:", "update:200:banned", "update:200:unbanned", "delete:200:deleted"]);
});

test("a user already gone: get is null, ban is false, unban and delete count as done", async () => {
  const gone = crypto.randomUUID();
  expect(await admin().getUser(gone)).toBeNull();
  expect(await admin().ban(gone, "1h")).toBe(false);
  await expect(admin().unban(gone)).resolves.toBeUndefined();
  await expect(admin().deleteUser(gone)).resolves.toBeUndefined();
});

test("a delete answered 500 after it was applied is an unknown outcome, and the retry finds it done", async () => {
  const user = await goTrueSimClient(sim.url).createUser({ email: "unknown@example.test" });
  await goTrueSimClient(sim.url).faults({ errors5xx: { next: 1, endpoint: "delete", afterCommit: true } });
  const failed = await admin().deleteUser(user.id).then(() => null, (e: unknown) => e);
  expect(failed).toBeInstanceOf(UpstreamError);
  expect(failed).toMatchObject({ outcome: "unknown", status: 500 });
  await expect(admin().deleteUser(user.id)).resolves.toBeUndefined();
  expect((await sim.state()).users.find((u) => u.id === user.id)).toBeUndefined();
});
