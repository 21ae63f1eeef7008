// Served functions with what each needs, for the property tests. The Braze,
// broadcast and webhook stacks are the e2e tests' own harnesses; the
// delete-user one is built here because its e2e setup lives inside a test file.
import { LOCAL_JWT_SECRET, mintAccessToken } from "../../dev/mint-token.ts";
import { goTrueSimClient, startGoTrueSimulator } from "../../dev/sim/gotrue.ts";
import { resendSimClient, startResendSimulator } from "../../dev/sim/resend.ts";
import { createTestDatabase } from "../support/db.ts";
import { serveFunctions } from "../support/functions.ts";
import { CRON_SECRET, SERVICE_ROLE_KEY, startSchedulerStack, upcomingMatches } from "../support/scheduler-stack.ts";

export { CRON_SECRET, SERVICE_ROLE_KEY };

/** The scheduler stack (tests/support/scheduler-stack.ts), with a ledger already written by one run. */
export async function startBrazeStack() {
  const stack = await startSchedulerStack({ matches: upcomingMatches(3) });
  const seeded = await stack.runScheduler();
  if (seeded.status !== 200) throw new Error(`seeding run answered ${seeded.status}: ${JSON.stringify(seeded.body)}`);
  return {
    url: stack.url,
    sql: stack.database.sql,
    /** Every call Braze received, so a refused request that still reached it shows. */
    brazeCalls: async () => (await stack.brazeSim.state()).calls.length,
    close: stack.close,
  };
}

const AUDIENCE = "aud_members";

/** delete-user's environment (as in its e2e test), with two users who have calendars and contacts. */
export async function startDeleteUserStack() {
  const database = await createTestDatabase();
  const gotrue = await startGoTrueSimulator({ port: 0 });
  const resend = await startResendSimulator({ port: 0 });
  const functions = await serveFunctions({
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: database.url,
    CRON_SECRET,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
    SUPABASE_JWT_SECRET: LOCAL_JWT_SECRET,
    AUTH_ADMIN_URL: gotrue.url,
    RESEND_API_URL: resend.url,
    RESEND_API_KEY: "re_local_key",
    RESEND_AUDIENCE_ID: AUDIENCE,
  });
  const users = [];
  for (const email of ["ada@example.test", "grace@example.test"]) {
    const user = await goTrueSimClient(gotrue.url).createUser({ email });
    await resendSimClient(resend.url).addContact(email, AUDIENCE);
    await database
      .sql`insert into public.managed_calendars (user_id, calendar_id, name) values (${user.id}, 'c1', 'Work')`;
    users.push({ id: user.id, email, token: await mintAccessToken({ sub: user.id, email }) });
  }
  return {
    url: functions.url,
    sql: database.sql,
    users,
    /** Auth users and email contacts: a refused request must leave both as they were. */
    outside: async () => ({
      auth: (await goTrueSimClient(gotrue.url).state()).calls.filter((c) => c.endpoint !== "create").length,
      users: (await goTrueSimClient(gotrue.url).state()).users.length,
      contacts: (await resendSimClient(resend.url).state()).contacts.length,
    }),
    async close() {
      await functions.close();
      await gotrue.close();
      await resend.close();
      await database.drop();
    },
  };
}
