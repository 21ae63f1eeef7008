// One served stack per e2e test file (the test stack, tests/support/stack.ts)
// with an audience in the Resend simulator, and helpers that act the way an editor would.
import { mintAccessToken } from "../../../dev/mint-token.ts";
import { resendSimClient } from "../../../dev/sim/resend.ts";
import { dropFailingTrigger, installFailingTrigger } from "../../support/failing-trigger.ts";
import { callFunction } from "../../support/functions.ts";
import { CRON_SECRET, startTestStack } from "../../support/stack.ts";

export { CRON_SECRET };
export const AUDIENCE = "aud_newsletter";
export const RECIPIENTS = ["ada@example.test", "grace@example.test"];
export const RESOLVE_MAX_ATTEMPTS = 3;

export interface BroadcastState {
  id: string;
  send_status: string;
  provider_broadcast_id: string | null;
  publish_at: string | null;
  last_error: string | null;
}

export async function startBroadcastStack() {
  const stack = await startTestStack({
    env: {
      // One attempt and a short timeout, so a call the simulator never answers
      // leaves the row uncertain for the resolver instead of being retried inline.
      RESEND_TIMEOUT_MS: "1000",
      RESEND_MAX_ATTEMPTS: "1",
      BROADCASTS_RESOLVE_GRACE_SECONDS: "0",
      BROADCASTS_RESOLVE_MAX_ATTEMPTS: String(RESOLVE_MAX_ATTEMPTS),
    },
  });
  const t = stack.database;
  const simClient = resendSimClient(stack.sims.resend!.url);
  for (const email of RECIPIENTS) await simClient.addContact(email, AUDIENCE);
  const editorToken = await mintAccessToken({ sub: crypto.randomUUID(), appMetadata: { role: "editor" } });
  const post = (name: string, body: unknown, token = editorToken) => callFunction(stack.url(name), { token, body });

  return {
    t,
    simClient,
    fns: { url: stack.url },
    editorToken,
    post,
    /** The environment the served functions run with, for running a core in the test process. */
    env: stack.env,
    async createBroadcast(subject = "Matchday news") {
      return t.db.rpc<BroadcastState>("broadcast_create", {
        p_subject: subject,
        p_content_html: "<p>news</p>",
        p_audience_id: AUDIENCE,
      });
    },
    act: (action: string, broadcastId: string, publishAt?: string, token?: string) =>
      post("broadcasts", { action, broadcast_id: broadcastId, ...(publishAt ? { publish_at: publishAt } : {}) }, token),
    resolve: () => post("broadcasts-resolve", {}, CRON_SECRET),
    async row(id: string): Promise<BroadcastState> {
      return t.db.rpc<BroadcastState>("broadcast_get", { p_id: id });
    },
    /** The provider's broadcasts of one subject (the tests give each broadcast its own). */
    async providerBroadcasts(subject: string) {
      return (await simClient.state()).broadcasts.filter((x) => x.subject === subject);
    },
    /** Every email the audience would get once every schedule has fired. */
    async emailsAfterAllFire(broadcastSubject: string) {
      await simClient.fire();
      return (await simClient.state()).emails.filter((e) => e.subject === broadcastSubject);
    },
    close: stack.close,
  };
}

export type BroadcastStack = Awaited<ReturnType<typeof startBroadcastStack>>;

export const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/** Makes the next database write that moves a broadcast to `status` fail, once. */
export async function failNextTransitionTo(stack: BroadcastStack, status: string) {
  await installFailingTrigger(stack.t.sql, {
    name: "test_fail_transition",
    table: "app_private.broadcasts",
    event: "update",
    condition: `new.send_status = '${status}' and old.send_status <> '${status}'`,
    message: `simulated database failure while recording ${status}`,
    once: true,
  });
}

const crashAfterProvider = { name: "test_fail_transitions", table: "app_private.broadcasts" };

/**
 * Makes every write that moves a broadcast out of `from` into one of `to` fail
 * until clearFailures, as a function killed (or a database lost) right after
 * the provider answered would leave it.
 */
export async function failTransitions(stack: BroadcastStack, from: string, to: string[]) {
  await installFailingTrigger(stack.t.sql, {
    ...crashAfterProvider,
    event: "update",
    condition: `old.send_status = '${from}' and new.send_status in (${to.map((x) => `'${x}'`).join(", ")})`,
    message: `simulated crash before recording one of ${to.join(", ")}`,
  });
}

export async function clearFailures(stack: BroadcastStack) {
  await dropFailingTrigger(stack.t.sql, crashAfterProvider);
}
