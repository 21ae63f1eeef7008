// npm run chaos -- --job delete-user --seed <n> --minutes <m>   (or: npx tsx dev/chaos/delete-user/run.ts --seed <n> --seconds <s>)
//
// Deleting users under chaos: a throwaway embedded Postgres with every
// migration, the Auth (GoTrue) and Resend simulators, and at the same time:
// deletion requests (repeated ones join the saga), the resumer every few
// hundred milliseconds, runs killed right after an outside call answered (no
// database write and no call after it), Auth faults (5xx before and after the
// change was applied, applied-but-never-answered, latency), Resend faults on
// the contact delete (the same, and 429), every user's own calendar syncs with
// a token that stays valid after the ban (the core is called with the token's
// subject, as calendar-sync does once the token verified), and signed Resend
// webhooks for the users' emails and contacts (contact.* included).
// Then faults off, settle (claims of killed runs expired, the resumer until
// every requested deletion is done; an aborted saga is asked for again, as
// the request stands), and check the invariants for every finished deletion:
//   1. no row of any table in public (other than the saga's own log, the
//      tombstone, which keeps the id and no address) holds the user's id,
//      address or the subject of their emails;
//   2. the Auth user is gone, and the contact is gone;
//   3. the user was never unbanned after the pivot committed;
// and for every user never asked about: Auth user, contact and calendars intact.
// Prints tables and exits non-zero on any violation.
import postgres from "postgres";
import { syncCalendars } from "../../../src/shared/jobs/calendar-sync/run.ts";
import { deleteUserFromEnv } from "../../../src/shared/jobs/delete-user/env.ts";
import { requestDeletion, resumeDeletions } from "../../../src/shared/jobs/delete-user/run.ts";
import type { DeletionPorts } from "../../../src/shared/jobs/delete-user/types.ts";
import { webhookFromEnv } from "../../../src/shared/jobs/resend-webhook/env.ts";
import { LOCAL_SECRETS } from "../../local-secrets.ts";
import { handleResendWebhook } from "../../../src/shared/jobs/resend-webhook/handle.ts";
import { emailEvent, signedRequest } from "../../../src/shared/jobs/resend-webhook/sign.ts";
import { DEFAULT_GOTRUE_SERVICE_KEY, goTrueSimClient, startGoTrueSimulator } from "../../sim/gotrue.ts";
import { DEFAULT_RESEND_API_KEY, resendSimClient, startResendSimulator } from "../../sim/resend.ts";
import { chaosMain, type ChaosRun } from "../cli.ts";
import { type Prng, prng, sleep, Tally } from "../prng.ts";
import { type ClientChaosReport, clientChaosTallies, markdownReport } from "../common/markdown.ts";
import { answerKind, mortal } from "../common/mortal.ts";

const AUDIENCE = "aud_chaos";
const USERS = 36;
/** About this share of the users is asked to be deleted during the run; the rest must stay intact. */
const DELETE_SHARE = 0.7;
const SYNCERS = 3;
const REQUESTERS = 2;

interface Member {
  id: string;
  email: string;
  subject: string;
  emails: string[];
}
interface Report extends ClientChaosReport {
  users: number;
  requested: number;
  done: number;
  resumerRuns: number;
}

/** One run's ports: with killChance the run dies the moment an outside call answers. */
function dyingPorts(base: DeletionPorts, rng: Prng, killChance: number, kills: Tally): DeletionPorts {
  const drive = mortal(rng, killChance, kills);
  const guard = <A extends unknown[], R>(name: string, f: (...a: A) => Promise<R>) =>
    drive.call(f, `run killed after ${name} answered`);
  return {
    db: drive.db(base.db),
    auth: {
      getUser: guard("auth get", base.auth.getUser.bind(base.auth)),
      ban: guard("auth ban", base.auth.ban.bind(base.auth)),
      unban: guard("auth unban", base.auth.unban.bind(base.auth)),
      deleteUser: guard("auth delete", base.auth.deleteUser.bind(base.auth)),
    },
    contacts: { removeContact: guard("contact delete", base.contacts.removeContact.bind(base.contacts)) },
  };
}

export async function runDeleteUserChaos(run: ChaosRun): Promise<Report> {
  const { seed, durationMs, databaseUrl, log } = run;
  const { rng, actions, answers, kills } = clientChaosTallies(seed);
  const gotrue = await startGoTrueSimulator({ port: 0 });
  const resend = await startResendSimulator({ port: 0 });
  const auth = goTrueSimClient(gotrue.url);
  const mail = resendSimClient(resend.url);
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  const common = { DB_ADAPTER: "direct", SUPABASE_DB_URL: databaseUrl, CRON_SECRET: "chaos-cron-secret-0123" };
  // Short client timeouts so faults cost little time; the claim is then as
  // short as the settings allow (twice the slowest step).
  const { ports, settings } = deleteUserFromEnv({
    ...common,
    SUPABASE_SERVICE_ROLE_KEY: DEFAULT_GOTRUE_SERVICE_KEY,
    AUTH_ADMIN_URL: gotrue.url,
    RESEND_API_URL: resend.url,
    RESEND_API_KEY: DEFAULT_RESEND_API_KEY,
    RESEND_AUDIENCE_ID: AUDIENCE,
    AUTH_ADMIN_TIMEOUT_MS: "400",
    RESEND_TIMEOUT_MS: "400",
    RESEND_MAX_ATTEMPTS: "1",
    DELETE_USER_CLAIM_TTL_SECONDS: "3",
    DELETE_USER_BACKOFF_BASE_SECONDS: "0",
    DELETE_USER_BACKOFF_CAP_SECONDS: "1",
    DELETE_USER_LEASE_TTL_SECONDS: "5",
  });
  const webhook = webhookFromEnv({ ...common, RESEND_WEBHOOK_SECRET: LOCAL_SECRETS.resendWebhook });
  const violations: string[] = [];
  let resumerRuns = 0;
  let deliveries = 0;

  const deliver = async (body: string) => {
    const req = signedRequest("http://chaos.local/resend-webhook", LOCAL_SECRETS.resendWebhook, {
      svixId: `msg_${seed}_${deliveries++}`,
      body,
      signedAt: new Date(),
    });
    return handleResendWebhook(webhook, req);
  };
  const calendarsFor = (own: Prng, m: Member) =>
    Array.from({ length: own.int(0, 4) }, (_, i) => ({
      calendar_id: `cal-${i}`,
      name: `${m.subject} calendar ${i}`,
      color: null,
      is_primary: i === 0,
      ...(own.chance(0.3) ? { settings: { owner: m.email } } : {}),
    }));

  try {
    const members: Member[] = [];
    for (let i = 0; i < USERS; i++) {
      const email = `member${i}.s${seed}@example.test`;
      const user = await auth.createUser({ email });
      await mail.addContact(email, AUDIENCE);
      const m: Member = { id: user.id, email, subject: `Digest for Member${i}S${seed}`, emails: [] };
      members.push(m);
      await syncCalendars(ports.db, m.id, {
        calendars: calendarsFor(rng, m).concat([{ calendar_id: "home", name: "Home", color: null, is_primary: false }]),
      });
      const emailId = `em_${seed}_${i}_0`;
      m.emails.push(emailId);
      await deliver(
        emailEvent("email.sent", new Date().toISOString(), emailId, { to: [email] }).replace(
          "Kick-off in one hour",
          m.subject,
        ),
      );
    }
    const toDelete = members.filter(() => rng.chance(DELETE_SHARE));
    const requested = new Set<string>();
    const deadline = Date.now() + durationMs;

    const requester = async (n: number) => {
      const own = prng(seed * 17 + n);
      while (Date.now() < deadline) {
        // Mostly a user not asked about yet; sometimes one already asked (joins the saga).
        const pending = toDelete.filter((m) => !requested.has(m.id));
        const m = pending.length && own.chance(0.6) ? own.pick(pending) : own.pick(toDelete);
        requested.add(m.id);
        actions.add("deletion request");
        try {
          const r = await requestDeletion(dyingPorts(ports, own, 0.1, kills), settings, m.id, `self:${m.id}`);
          answers.add(`request: ${r.status}${r.advanced ? "" : " (joined)"}`);
        } catch (e) {
          answers.add(`request: ${answerKind(e)}`);
        }
        await sleep(own.int(100, 600));
      }
    };
    const resumer = async () => {
      while (Date.now() < deadline) {
        try {
          const r = await resumeDeletions(dyingPorts(ports, rng, 0.05, kills), settings, `chaos:${resumerRuns}`);
          answers.add(`resumer: ${r.claimed ? "advanced" : "nothing due"}`);
        } catch (e) {
          answers.add(`resumer: ${answerKind(e)}`);
        }
        resumerRuns++;
        await sleep(rng.int(150, 500));
      }
    };
    const syncer = async (n: number) => {
      const own = prng(seed * 29 + n);
      while (Date.now() < deadline) {
        // Any user, deleted or not: a token stays valid after the ban.
        const m = own.pick(members);
        actions.add("calendar sync");
        try {
          await syncCalendars(ports.db, m.id, { calendars: calendarsFor(own, m) });
          answers.add(requested.has(m.id) ? "sync: 200 (before the request, or after an abort)" : "sync: 200");
        } catch (e) {
          answers.add(`sync: ${answerKind(e)}`);
        }
        await sleep(own.int(10, 80));
      }
    };
    const webhooks = async () => {
      const own = prng(seed * 43);
      while (Date.now() < deadline) {
        const m = own.pick(members);
        const now = new Date().toISOString();
        let body: string;
        const kind = own.int(0, 5);
        if (kind <= 1) {
          // A new email to the user (its first event may arrive after the forget).
          const emailId = `em_${seed}_${members.indexOf(m)}_${m.emails.length}`;
          m.emails.push(emailId);
          body = emailEvent(own.pick(["email.sent", "email.delivered"]), now, emailId, { to: [m.email] });
        } else if (kind <= 3) {
          const type = own.pick([
            "email.delivered",
            "email.opened",
            "email.clicked",
            "email.bounced",
            "email.complained",
          ]);
          body = emailEvent(type, now, own.pick(m.emails), {
            to: [m.email],
            ...(type === "email.clicked" ? { click: { link: "https://example.test/digest", timestamp: now } } : {}),
          });
        } else {
          // Resend's contact events (https://resend.com/docs/dashboard/webhooks/event-types), the saga's own delete included.
          body = JSON.stringify({
            type: own.pick(["contact.created", "contact.updated", "contact.deleted"]),
            created_at: now,
            data: {
              id: `ct_${m.id}`,
              audience_id: AUDIENCE,
              email: m.email,
              first_name: m.subject,
              unsubscribed: false,
              created_at: now,
              updated_at: now,
            },
          });
        }
        body = body.replace("Kick-off in one hour", m.subject);
        actions.add("webhook");
        try {
          const r = await deliver(body);
          answers.add(`webhook: ${r.applied ? "applied" : r.duplicate ? "duplicate" : "stored"}`);
        } catch (e) {
          answers.add(`webhook: ${answerKind(e)}`);
        }
        await sleep(own.int(10, 60));
      }
    };
    const controller = async () => {
      while (Date.now() < deadline) {
        const which = rng.int(0, 6);
        const authEndpoint = rng.pick(["update", "update", "delete", "get"]);
        const patch = which === 0
          ? {
            errors5xx: {
              next: 1,
              endpoint: authEndpoint,
              afterCommit: rng.chance(0.5),
              status: rng.pick([500, 502, 503]),
            },
          }
          : which === 1
          ? { timeoutAfterCommit: { next: 1, endpoint: rng.pick(["update", "delete"]) } }
          : which === 2
          ? { latencyMs: rng.chance(0.5) ? rng.int(50, 300) : null }
          : undefined;
        const mailPatch = which === 3
          ? {
            errors5xx: {
              next: 1,
              endpoint: "contact.delete",
              afterCommit: rng.chance(0.5),
              status: rng.pick([500, 503]),
            },
          }
          : which === 4
          ? { timeoutAfterCommit: { next: 1, endpoint: "contact.delete" } }
          : which === 5
          ? { rateLimit: { next: 1, retryAfterSeconds: 0 } }
          : undefined;
        // A steering call that fails only means one fault fewer.
        if (patch) await auth.faults(patch).catch(() => {});
        if (mailPatch) await mail.faults(mailPatch).catch(() => {});
        await sleep(rng.int(10, 60));
      }
    };
    log(
      `seed ${seed}: ${USERS} users (${toDelete.length} to delete), ${REQUESTERS} requesters, resumer, ${SYNCERS} syncers, webhooks, fault controller for ${
        Math.round(durationMs / 1000)
      } s`,
    );
    await Promise.all([
      ...Array.from({ length: REQUESTERS }, (_, n) => requester(n)),
      resumer(),
      ...Array.from({ length: SYNCERS }, (_, n) => syncer(n)),
      webhooks(),
      controller(),
    ]);

    // Settle: faults off; killed runs' claims expire; the resumer until every requested deletion is done.
    await auth.faults({ errors5xx: null, timeoutAfterCommit: null, latencyMs: null });
    await mail.faults({ errors5xx: null, timeoutAfterCommit: null, rateLimit: null, latencyMs: null });
    for (const id of requested) {
      // The request stands: a saga aborted because blocking failed is asked for again.
      const [row] = await sql`select status from app_private.user_deletions where user_id = ${id}`;
      if (!row || row.status === "aborted") await requestDeletion(ports, settings, id, "chaos:settle").catch(() => {});
    }
    let rounds = 0;
    for (; rounds < 60; rounds++) {
      await sql`update app_private.user_deletions set claim_token = null, claimed_until = null, next_attempt_at = now()
                 where status in ('in_progress', 'compensating')`;
      await sql`update app_private.job_leases set expires_at = now() where job = 'delete-user-resume'`.catch(() => {});
      try {
        await resumeDeletions(ports, settings, `chaos:settle:${rounds}`);
      } catch { /* the lease of a killed resumer: expired above, the next round takes it */ }
      for (const r of await sql`select user_id from app_private.user_deletions where status = 'aborted'`) {
        await requestDeletion(ports, settings, r.user_id, "chaos:settle").catch(() => {});
      }
      const [left] = await sql`select count(*)::int as n from app_private.user_deletions where status <> 'done'`;
      if (left!.n === 0) break;
    }

    // Invariants.
    const tables = await sql<
      { name: string }[]
    >`select quote_ident(table_schema) || '.' || quote_ident(table_name) as name
      from information_schema.tables
      where table_schema in ('public', 'app_private') and table_type = 'BASE TABLE'
        and (table_schema, table_name) <> ('app_private', 'user_deletions') order by 1`;
    const authState = await auth.state();
    const mailState = await mail.state();
    const sagas = new Map(
      (await sql`select user_id, status, email, steps from app_private.user_deletions`).map((
        r,
      ) => [r.user_id as string, r]),
    );
    let done = 0;
    for (const m of members) {
      const saga = sagas.get(m.id);
      const label = `user ${m.id} (${m.email})`;
      if (!requested.has(m.id)) {
        if (saga) violations.push(`${label}: a saga for a user nobody asked to delete`);
        const u = authState.users.find((x) => x.id === m.id);
        if (!u || u.banned_until) {
          violations.push(`${label}: never asked about, yet ${u ? "banned" : "gone from Auth"}`);
        }
        if (!mailState.contacts.some((c) => c.email === m.email)) {
          violations.push(`${label}: never asked about, yet the contact is gone`);
        }
        continue;
      }
      if (saga?.status !== "done") {
        violations.push(`${label}: saga ${saga?.status ?? "missing"} after settling`);
        continue;
      }
      done++;
      if (saga.email !== null) violations.push(`${label}: the finished saga still holds the address`);
      for (const t of tables) {
        for (const needle of [m.id, m.email, m.subject]) {
          const [hit] = await sql.unsafe(
            `select count(*)::int as n from ${t.name} as t where t::text ilike $1`,
            [`%${needle}%`],
          );
          if (hit!.n > 0) {
            violations.push(
              `${label}: ${hit!.n} row(s) of ${t.name} hold ${
                needle === m.id ? "the id" : needle === m.email ? "the address" : "the subject"
              }`,
            );
          }
        }
      }
      if (authState.users.some((u) => u.id === m.id)) violations.push(`${label}: the Auth user is still there`);
      if (mailState.contacts.some((c) => c.email.toLowerCase() === m.email)) {
        violations.push(`${label}: the contact is still there`);
      }
      const pivot = Date.parse(String((saga.steps as Record<string, unknown>).pivot));
      for (const c of authState.calls) {
        if (c.user_id === m.id && c.effect === "unbanned" && c.at && Date.parse(c.at) > pivot) {
          violations.push(`${label}: unbanned at ${c.at}, after the pivot at ${new Date(pivot).toISOString()}`);
        }
      }
    }

    const faults = new Tally();
    for (const c of authState.calls) if (c.fault) faults.add(`auth ${c.endpoint}: ${c.fault}`);
    for (const c of mailState.calls) if (c.fault) faults.add(`resend ${c.endpoint}: ${c.fault}`);
    for (const c of authState.calls) if (c.status === 0 && !c.fault) faults.add("auth: no answer");
    for (const [k, n] of Object.entries(kills.counts)) faults.add(k, n);
    return {
      seed,
      seconds: Math.round(durationMs / 1000),
      users: USERS,
      requested: requested.size,
      done,
      actions: actions.counts,
      answers: answers.counts,
      faults: faults.counts,
      faultsTotal: faults.total,
      resumerRuns,
      settleRounds: rounds + 1,
      violations,
    };
  } finally {
    await sql.end();
    await gotrue.close();
    await resend.close();
  }
}

function format(r: Report): string {
  return markdownReport({
    ...r,
    title: `delete-user chaos, seed ${r.seed}, ${r.seconds} s`,
    summary:
      `users ${r.users}; deletions requested ${r.requested}, done ${r.done}; resumer runs ${r.resumerRuns}; settle rounds ${r.settleRounds}`,
  });
}

chaosMain("delete-user", async (run) => {
  const report = await runDeleteUserChaos(run);
  return { text: format(report), violations: report.violations.length };
});
