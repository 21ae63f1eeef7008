// The scripted scenario the status page is checked against. The Braze jobs
// are driven through the real served functions and simulators; the other jobs'
// states are reached through their own SQL functions (what their functions
// call), and only what needs the passage of time (a row untouched for 25
// minutes, a run that crashed two hours ago) is written directly.
import { emailEvent, signedHeaders } from "../../../src/shared/jobs/resend-webhook/sign.ts";
import { LOCAL_SECRETS, serveFunctions } from "../../../dev/local-env.ts";
import { simClient } from "../../../dev/sim/braze.ts";
import { fixture } from "../../../dev/sim/fixtures.ts";
import { simFootballClient } from "../../../dev/sim/football-data.ts";
import type { TestDatabase } from "../../support/db.ts";
import { callFunction } from "../../support/functions.ts";
import { CAMPAIGN_ID, upcomingMatches } from "../../support/scheduler-stack.ts";
import { startTestStack } from "../../support/stack.ts";

export const STUCK_MATCH_ID = 799_001;
export const CRASHED_HOLDER = "cron:crashed-runner";
export const BROADCAST_SUBJECT = "Matchday newsletter <b>round 12</b>";
export const DELETION_USER = "6f1c1e0a-7a3b-4c55-9d2e-0d5e3c1b2a99";
export const DELETION_ERROR = "auth admin answered 503";

/**
 * Not the local default: dev/ops.ts falls back to `npm start`'s cron secret
 * for a local URL, so only a secret of the test's own shows that the ops tool
 * sends the one it was given.
 */
export const CRON_SECRET = "local-cron-secret-for-tests";

export interface Scenario {
  database: TestDatabase;
  functions: { url(name: string): string };
  /** The scheduler run parked inside Braze, holding the lease. */
  heldRun: Promise<unknown>;
  close(): Promise<void>;
  uncertainMatchId: number;
  lease: { job: string; holder: string };
  webhookStatuses: number[];
}

export async function startScenario(): Promise<Scenario> {
  const matches = upcomingMatches(5);
  // Braze waits 2 minutes here (the longest BRAZE_TIMEOUT_MS allows), so a
  // held create keeps its run inside Braze (and the lease held) for as long as
  // the test looks.
  const stack = await startTestStack({
    env: {
      CRON_SECRET,
      BRAZE_CAMPAIGN_ID: CAMPAIGN_ID,
      BRAZE_LIST_LAG_SECONDS: "0",
      BRAZE_TIMEOUT_MS: "120000",
      // Listing mode: the scheduler leaves an unknown create to reconcile
      // (which this scenario keeps locked out), so the page has an uncertain
      // row to show. In production mode the next run would make it again.
      BRAZE_LISTING: "true",
    },
    simulators: { football: { fixtures: matches.slice(0, 4).map((m) => fixture(m)) } },
  });
  const { database } = stack;
  const braze = stack.sims.braze!;
  const football = stack.sims.football!;
  const functions = { url: stack.url };
  // A second server over the same database and simulators that gives up on a
  // create after 500 ms, so a commit-then-timeout becomes an uncertain row.
  const impatient = await serveFunctions({ env: { ...stack.env, BRAZE_TIMEOUT_MS: "500" } });
  const brazeSim = simClient(braze.url);
  const { sql } = database;
  const invoke = (name: string, via = functions) => callFunction(via.url(name), { token: CRON_SECRET });

  // 1. A run whose first create times out after Braze committed it: completed, one row uncertain.
  await brazeSim.faults({ timeoutAfterCommit: { next: 1, endpoint: "create" } });
  const first = await invoke("braze-scheduler", impatient);
  if (first.body.uncertain !== 1) {
    throw new Error(`scenario: expected one uncertain create, got ${JSON.stringify(first.body)}`);
  }
  const [uncertain] = await sql<
    { match_id: string }[]
  >`select match_id from app_private.schedule_ledger where status = 'uncertain'`;

  // 2. A new match appears; the next run is held inside Braze's create, holding the lease.
  await simFootballClient(football.url).addMatch(matches[4]!);
  await brazeSim.hold("create", 1);
  const heldRun = invoke("braze-scheduler");
  await brazeSim.waitHeld(1);

  // 3. Reconcile meanwhile finds the lease taken: a "locked" run.
  const locked = await invoke("braze-reconcile");
  if (locked.status !== 409) throw new Error(`scenario: expected reconcile to be locked out, got ${locked.status}`);
  const [lease] = await sql<{ job: string; holder: string }[]>`select job, holder from app_private.job_leases`;

  // 4. What only time makes: a create intent nobody finished 25 minutes ago,
  //    a reconcile run that crashed two hours ago, one that failed three hours ago.
  await sql`
    insert into app_private.schedule_ledger (campaign_id, match_id, status, attempt_id, guard_key, signature, send_at, kickoff_at, fencing_token, created_at, updated_at)
    values (${CAMPAIGN_ID}, ${STUCK_MATCH_ID}, 'creating', gen_random_uuid(), gen_random_uuid(), 'sig', now() + interval '3 days',
            now() + interval '3 days 1 hour', 0, now() - interval '25 minutes', now() - interval '25 minutes')`;
  await sql`
    insert into app_private.job_runs (job, lease, holder, fencing_token, started_at)
    values ('braze-reconcile', ${lease!.job}, ${CRASHED_HOLDER}, 0, now() - interval '2 hours')`;
  await sql`
    insert into app_private.job_runs (job, lease, holder, started_at, finished_at, outcome, error)
    values ('braze-reconcile', ${lease!.job}, 'cron:earlier', now() - interval '3 hours',
            now() - interval '3 hours' + interval '1.5 seconds', 'failed', 'football-data answered 503')`;

  // 5. Webhooks: an open and a click for one email, and a forged delivery (refused, stored nowhere).
  const webhookStatuses: number[] = [];
  const deliver = async (svixId: string, body: string, secret: string = LOCAL_SECRETS.resendWebhook) => {
    const res = await fetch(functions.url("resend-webhook"), {
      method: "POST",
      headers: signedHeaders(secret, { svixId, body, signedAt: new Date() }),
      body,
    });
    webhookStatuses.push(res.status);
    await res.body?.cancel();
  };
  const at = new Date().toISOString();
  await deliver("msg_open_1", emailEvent("email.opened", at, "email-ops-1"));
  await deliver(
    "msg_click_1",
    emailEvent("email.clicked", at, "email-ops-1", { click: { link: "https://example.com/match", timestamp: at } }),
  );
  await deliver(
    "msg_forged",
    emailEvent("email.clicked", at, "email-ops-2"),
    "whsec_c29tZW9uZS1lbHNlcy1zZWNyZXQta2V5LTEyMzQ=",
  );

  // 6. A broadcast whose send began 20 minutes ago and never settled: the resolver's.
  const [created] = await sql<{ b: { id: string } }[]>`
    select public.broadcast_create(${BROADCAST_SUBJECT}, '<p>Hello</p>', 'audience-1') as b`;
  await sql`select public.broadcast_begin(${created!.b.id}::uuid, 'send')`;
  await sql`update app_private.broadcasts set updated_at = now() - interval '20 minutes' where id = ${created!.b.id}`;

  // 7. A deletion saga whose auth step failed: retried forward by delete-user-resume.
  await sql`select public.user_deletion_request(${DELETION_USER}::uuid, 'service_role')`;
  const [claimed] = await sql<{ c: { claim_token: string }[] }[]>`select public.user_deletion_claim_due(60, 10) as c`;
  await sql`select public.user_deletion_fail(${DELETION_USER}::uuid, ${
    claimed!.c[0]!.claim_token
  }::uuid, ${DELETION_ERROR}, 'retry')`;

  return {
    database,
    functions,
    heldRun,
    async close() {
      await brazeSim.release().catch(() => {});
      await heldRun.catch(() => {});
      await impatient.close();
      await stack.close();
    },
    uncertainMatchId: Number(uncertain!.match_id),
    lease: lease!,
    webhookStatuses,
  };
}
