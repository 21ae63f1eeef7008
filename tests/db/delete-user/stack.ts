// The saga over the real SQL functions and the real clients, talking to the
// GoTrue and Resend simulators of the test stack (tests/support/stack.ts, no
// functions served): a user with data in all three systems.
import { goTrueSimClient } from "../../../dev/sim/gotrue.ts";
import { resendSimClient } from "../../../dev/sim/resend.ts";
import type { DeletionPorts } from "../../../src/shared/jobs/delete-user/types.ts";
import type { ResumeSettings } from "../../../src/shared/jobs/delete-user/run.ts";
import type { DeletionRow } from "../../../src/shared/jobs/delete-user/types.ts";
import { createAuthAdmin } from "../../../src/shared/providers/auth-admin/client.ts";
import { createResendClient } from "../../../src/shared/providers/resend/client.ts";
import { startTestStack } from "../../support/stack.ts";

export const AUDIENCE = "aud_members";

export const settings: ResumeSettings = {
  banDuration: "876000h",
  claimTtlSeconds: 30,
  // No backoff wait, so a test can resume right after a failure.
  backoffBaseSeconds: 0,
  backoffCapSeconds: 0,
  audienceId: AUDIENCE,
  batchSize: 20,
  leaseTtlSeconds: 30,
};

export async function startDeletionStack() {
  const stack = await startTestStack({ serve: false, env: { RESEND_AUDIENCE_ID: AUDIENCE } });
  const t = stack.database;
  const gotrue = stack.sims.gotrue!;
  const resend = stack.sims.resend!;
  const auth = goTrueSimClient(gotrue.url);
  const mail = resendSimClient(resend.url);
  const ports: DeletionPorts = {
    db: t.db,
    auth: createAuthAdmin({ url: gotrue.url, serviceRoleKey: stack.env.SUPABASE_SERVICE_ROLE_KEY!, timeoutMs: 1000 }),
    contacts: createResendClient({
      baseUrl: resend.url,
      apiKey: stack.env.RESEND_API_KEY!,
      from: stack.env.RESEND_FROM!,
      timeoutMs: 1000,
      maxAttempts: 1,
    }),
  };

  /** A user in Auth, in the email provider's audience, with calendars and email history. */
  async function seedUser(email = `${crypto.randomUUID().slice(0, 8)}@example.test`) {
    const user = await auth.createUser({ email });
    await mail.addContact(email, AUDIENCE);
    await t.sql`insert into public.managed_calendars (user_id, calendar_id, name) values
      (${user.id}, 'cal-1', 'Work'), (${user.id}, 'cal-2', 'Home')`;
    await t.sql`insert into app_private.email_history (email_id, status, to_addresses, subject)
      values (${`em_${user.id}`}, 'delivered', ${[email]}, 'Welcome')`;
    return { id: user.id, email };
  }

  /** What is left of the user in each of the three systems. */
  async function remains(user: { id: string; email: string }) {
    const [calendars] = await t
      .sql`select count(*)::int as n from public.managed_calendars where user_id = ${user.id}`;
    const [history] = await t
      .sql`select count(*)::int as n from app_private.email_history where ${user.email} = any (to_addresses)`;
    const authUser = (await auth.state()).users.find((u) => u.id === user.id) ?? null;
    const contact = (await mail.state()).contacts.find((c) => c.email === user.email) ?? null;
    return { calendars: calendars!.n as number, history: history!.n as number, authUser, contact };
  }

  async function saga(userId: string): Promise<DeletionRow> {
    const [row] = await t.sql`select * from app_private.user_deletions where user_id = ${userId}`;
    return row as unknown as DeletionRow;
  }

  /** How many times each side effect really happened. */
  async function effects(userId: string, email: string) {
    const calls = (await auth.state()).calls.filter((c) => c.user_id === userId);
    const contactDeletes = (await mail.state()).calls.filter((c) =>
      c.endpoint === "contact.delete" && c.path.includes(encodeURIComponent(email))
    );
    return {
      banned: calls.filter((c) => c.effect === "banned").length,
      unbanned: calls.filter((c) => c.effect === "unbanned").length,
      deleted: calls.filter((c) => c.effect === "deleted").length,
      contactRemoved: contactDeletes.filter((c) => c.status === 200).length,
    };
  }

  return {
    t,
    gotrue,
    resend,
    auth,
    mail,
    ports,
    seedUser,
    remains,
    saga,
    effects,
    close: stack.close,
  };
}

export type DeletionStack = Awaited<ReturnType<typeof startDeletionStack>>;
