// Served functions with what each needs, for the property tests. The broadcast
// and webhook stacks are the e2e tests' own harnesses; the Braze and
// delete-user ones are built here because the e2e helpers do not expose the
// served URL (tests/support/scheduler-stack.ts) or live inside a test file.
import { LOCAL_JWT_SECRET, mintAccessToken } from "../../dev/mint-token.ts";
import { simClient, startBrazeSimulator } from "../../dev/sim/braze.ts";
import { fixture } from "../../dev/sim/fixtures.ts";
import { startFootballDataSimulator } from "../../dev/sim/football-data.ts";
import { goTrueSimClient, startGoTrueSimulator } from "../../dev/sim/gotrue.ts";
import { resendSimClient, startResendSimulator } from "../../dev/sim/resend.ts";
import { startTranslatorSimulator } from "../../dev/sim/translator.ts";
import { createTestDatabase } from "../support/db.ts";
import { serveFunctions } from "../support/functions.ts";
import { CAMPAIGN_ID, CRON_SECRET, upcomingMatches } from "../support/scheduler-stack.ts";

export const SERVICE_ROLE_KEY = "local-service-role-key";
export { CRON_SECRET };

/** The scheduler stack's environment (tests/support/scheduler-stack.ts), with a ledger already written by one run. */
export async function startBrazeStack() {
  const database = await createTestDatabase();
  const braze = await startBrazeSimulator({ port: 0 });
  const football = await startFootballDataSimulator({ port: 0, fixtures: upcomingMatches(3).map((m) => fixture(m)) });
  const translator = await startTranslatorSimulator({ port: 0 });
  const functions = await serveFunctions({
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: database.url,
    CRON_SECRET,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
    BRAZE_REST_URL: braze.url,
    BRAZE_API_KEY: "local-braze-key",
    BRAZE_CAMPAIGN_ID: CAMPAIGN_ID,
    FOOTBALL_DATA_URL: football.url,
    FOOTBALL_DATA_TOKEN: "local-football-token",
    FOOTBALL_COMPETITIONS: "PL,PD",
    DEEPL_API_URL: translator.url,
    DEEPL_API_KEY: "local-deepl-key",
    BRAZE_LISTING: "true",
    BRAZE_LIST_LAG_SECONDS: "0",
    BRAZE_RECONCILE_GRACE_SECONDS: "0",
  });
  const seeded = await fetch(functions.url("braze-scheduler"), { method: "POST", headers: { authorization: `Bearer ${CRON_SECRET}` }, body: "{}" });
  if (seeded.status !== 200) throw new Error(`seeding run answered ${seeded.status}: ${await seeded.text()}`);
  return {
    url: functions.url,
    sql: database.sql,
    /** Every call Braze received, so a refused request that still reached it shows. */
    brazeCalls: async () => (await simClient(braze.url).state()).calls.length,
    async close() {
      await functions.close();
      await braze.close();
      await football.close();
      await translator.close();
      await database.drop();
    },
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
    await database.sql`insert into public.managed_calendars (user_id, calendar_id, name) values (${user.id}, 'c1', 'Work')`;
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
