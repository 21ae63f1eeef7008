// Deployed, the saga's SQL runs through PostgREST as the service role (the
// `rest` Db adapter), not as the database owner. Every step must be allowed
// to that role: the pivot deletes the user's calendars and forgets the
// address as the caller. The same saga, the same simulators, through
// supabase-js and the PostgREST stand-in, runs to done.
import { SignJWT } from "jose";
import { afterAll, beforeAll, expect, test } from "vitest";
import { LOCAL_JWT_SECRET } from "../../../dev/mint-token.ts";
import { dbFromSettings } from "../../../src/shared/db/from-env.ts";
import { requestDeletion } from "../../../src/shared/jobs/delete-user/run.ts";
import { startPostgrest } from "../../support/postgrest.ts";
import { type DeletionStack, settings, startDeletionStack } from "./stack.ts";

let s: DeletionStack;
let postgrest: Awaited<ReturnType<typeof startPostgrest>>;
beforeAll(async () => {
  s = await startDeletionStack();
  postgrest = await startPostgrest({ databaseUrl: s.t.url, jwtSecret: LOCAL_JWT_SECRET });
});
afterAll(async () => {
  await postgrest?.close();
  await s?.close();
});

test("request, block, pivot, contact, auth and finish all succeed as the service role", async () => {
  const serviceRoleKey = await new SignJWT({ role: "service_role" })
    .setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("1h")
    .sign(new TextEncoder().encode(LOCAL_JWT_SECRET));
  const db = dbFromSettings({ adapter: "rest", supabaseUrl: postgrest.url, serviceRoleKey });
  const user = await s.seedUser();

  const outcome = await requestDeletion({ ...s.ports, db }, settings, user.id, "service_role");
  expect(outcome).toMatchObject({
    status: "done",
    steps_done: ["block", "pivot", "contact", "auth"],
    last_error: null,
  });
  expect(await s.remains(user)).toEqual({ calendars: 0, history: 0, authUser: null, contact: null });
});
