// Served functions with what each needs, for the property tests: the e2e
// tests' own stacks, with the state a refused request must leave unchanged.
import { mintAccessToken } from "../../dev/mint-token.ts";
import { goTrueSimClient } from "../../dev/sim/gotrue.ts";
import { resendSimClient } from "../../dev/sim/resend.ts";
import { AUDIENCE, startDeletionStack } from "../e2e/delete-user/stack.ts";
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
    outside: async () => (await stack.brazeSim.state()).calls.length,
    close: stack.close,
  };
}

/** The delete-user stack (tests/e2e/delete-user/stack.ts), with two users who have calendars and contacts. */
export async function startDeleteUserStack() {
  const { t: database, gotrue, resend, fns: functions, close } = await startDeletionStack();
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
    close,
  };
}

/**
 * The functions served with the auth settings alone (the cron secret) and a
 * database address nothing listens on: whatever a request reaches past the
 * caller check fails, so a test sees what is decided before it.
 */
export function serveWithAuthSettingsOnly() {
  return serveFunctions({
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: "postgresql://unused@127.0.0.1:1/none",
    CRON_SECRET,
  });
}
