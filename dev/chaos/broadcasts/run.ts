// npm run chaos -- --job broadcasts --seed <n> --minutes <m>   (or: npx tsx dev/chaos/broadcasts/run.ts --seed <n> --seconds <s>)
//
// Broadcasts under chaos: a throwaway embedded Postgres with every migration,
// the Resend simulator, editors clicking schedule / send / reschedule / cancel
// on a handful of broadcasts at once, the resolver running every few hundred
// milliseconds, and a seeded controller injecting Resend faults (timeouts after
// the call was applied, 5xx before and after it was applied, 429) and killing
// drives between a provider answer and the database write that records it.
// Then faults off, settle (resolver until nothing is in flight; an operator's
// requeue of 'unresolved' rows), and check the invariants:
//   1. no row is left in flight, uncertain or unresolved;
//   2. the provider's state of every row's broadcast equals the row;
//   3. no row has more than one provider broadcast that can send, and every
//      other provider broadcast named for it is a draft nothing sends;
//   4. once everything due has fired, nobody got an email of one broadcast twice.
// Prints a table and exits non-zero on any violation.
import postgres from "postgres";
import { runBroadcastAction } from "../../../src/shared/jobs/broadcasts/act.ts";
import { broadcastsFromEnv } from "../../../src/shared/jobs/broadcasts/env.ts";
import { runBroadcastResolver } from "../../../src/shared/jobs/broadcasts/resolve.ts";
import type { BroadcastAction, BroadcastPorts, BroadcastProvider } from "../../../src/shared/jobs/broadcasts/types.ts";
import { DEFAULT_RESEND_API_KEY, resendSimClient, startResendSimulator } from "../../sim/resend.ts";
import { chaosMain, type ChaosRun } from "../cli.ts";
import { type Prng, prng, sleep, Tally } from "../prng.ts";
import { type ClientChaosReport, clientChaosTallies, markdownReport } from "../common/markdown.ts";
import { answerKind, mortal } from "../common/mortal.ts";

const AUDIENCE = "seg_chaos";
const RECIPIENTS = ["ada@example.test", "grace@example.test", "linus@example.test"];
const BROADCASTS = 16;
const EDITORS = 6;
// Longer than any drive can last here (3 calls of at most 3 attempts of 400 ms,
// 429 waits capped at 300 ms), as the deployed grace outlasts an edge function.
const GRACE_SECONDS = 8;
const MAX_ATTEMPTS = 6;

interface Report extends ClientChaosReport {
  resolverRuns: number;
  requeued: number;
  emails: number;
}

/**
 * One drive's ports: with killChance, the drive dies the moment the provider
 * answers a write (or, for the resolver, a read): no database write and no
 * provider call after it, as a function killed between the provider call and
 * the database write would.
 */
function dyingPorts(
  base: BroadcastPorts,
  rng: Prng,
  killChance: number,
  tally: Tally,
  afterReads = false,
): BroadcastPorts {
  const drive = mortal(rng, killChance, tally);
  const guard = <A extends unknown[], R>(f: (...a: A) => Promise<R>, write: boolean) =>
    drive.call(
      f,
      write ? "killed after the provider answered" : afterReads ? "resolver killed after reading the provider" : null,
    );
  const p = base.provider;
  const provider: BroadcastProvider = {
    createBroadcast: guard(p.createBroadcast.bind(p), true),
    sendBroadcast: guard(p.sendBroadcast.bind(p), true),
    cancelBroadcast: guard(p.cancelBroadcast.bind(p), true),
    getBroadcast: guard(p.getBroadcast.bind(p), false),
    findBroadcastsByName: guard(p.findBroadcastsByName.bind(p), false),
  };
  return { ...base, provider, db: drive.db(base.db) };
}

export async function runBroadcastChaos(run: ChaosRun): Promise<Report> {
  const { seed, durationMs, databaseUrl, log } = run;
  const { rng, actions, answers, kills } = clientChaosTallies(seed);
  const server = await startResendSimulator({ port: 0 });
  const sim = resendSimClient(server.url);
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const env = {
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: databaseUrl,
    CRON_SECRET: "chaos-cron-secret",
    RESEND_API_URL: server.url,
    RESEND_API_KEY: DEFAULT_RESEND_API_KEY,
    RESEND_FROM: "News <news@example.test>",
    RESEND_TIMEOUT_MS: "400",
    RESEND_MAX_ATTEMPTS: "3",
    BROADCASTS_RESOLVE_GRACE_SECONDS: String(GRACE_SECONDS),
    BROADCASTS_RESOLVE_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    BROADCASTS_LEASE_TTL_SECONDS: "10",
  };
  const { ports, resolver } = broadcastsFromEnv(env);
  const tunedPorts: BroadcastPorts = ports;
  const violations: string[] = [];
  let resolverRuns = 0;
  try {
    for (const email of RECIPIENTS) await sim.addContact(email, AUDIENCE);
    const ids: string[] = [];
    for (let i = 0; i < BROADCASTS; i++) {
      const [row] =
        await sql`select public.broadcast_create(${`Chaos ${seed} #${i}`}, '<p>chaos</p>', ${AUDIENCE}) as b`;
      ids.push((row!.b as { id: string }).id);
    }
    let created = ids.length;
    const deadline = Date.now() + durationMs;

    const editor = async (n: number) => {
      const own = prng(seed * 31 + n);
      while (Date.now() < deadline) {
        if (own.chance(0.1)) {
          // New drafts keep coming, as sent and canceled broadcasts are final.
          const subject = `Chaos ${seed} #${created++}`;
          const [row] = await sql`select public.broadcast_create(${subject}, '<p>chaos</p>', ${AUDIENCE}) as b`;
          ids.push((row!.b as { id: string }).id);
          actions.add("create draft");
        }
        const id = own.pick(ids.slice(-BROADCASTS));
        const action = own.pick<BroadcastAction>([
          "schedule",
          "schedule",
          "send",
          "reschedule",
          "reschedule",
          "cancel",
          "cancel",
        ]);
        const publishAt = action === "schedule" || action === "reschedule"
          ? new Date(Date.now() + own.int(2, 48) * 3_600_000 + own.int(0, 59) * 60_000)
          : undefined;
        actions.add(action);
        try {
          const r = await runBroadcastAction(dyingPorts(tunedPorts, own, 0.08, kills), {
            action,
            broadcastId: id,
            publishAt,
          });
          answers.add(r.outcome);
        } catch (e) {
          answers.add(answerKind(e));
        }
        await sleep(own.int(5, 60));
      }
    };
    const resolverLoop = async () => {
      while (Date.now() < deadline) {
        try {
          await runBroadcastResolver(dyingPorts(tunedPorts, rng, 0.05, kills, true), {
            ...resolver,
            graceSeconds: GRACE_SECONDS,
          }, `chaos:${resolverRuns}`);
        } catch { /* locked, killed, or the database said no: the next run tries again */ }
        resolverRuns++;
        await sleep(rng.int(100, 400));
      }
    };
    const controller = async () => {
      const writes = ["create", "send", "cancel"];
      while (Date.now() < deadline) {
        const kind = rng.int(0, 3);
        const endpoint = rng.pick([...writes, "get", "list", "*"]);
        const patch = kind === 0
          ? { timeoutAfterCommit: { next: 1, endpoint: rng.pick(writes) } }
          : kind === 1
          ? { errors5xx: { next: 1, endpoint, afterCommit: rng.chance(0.5), status: rng.pick([500, 502, 503]) } }
          : kind === 2
          ? { rateLimit: { next: rng.int(1, 2), retryAfterSeconds: 0 } }
          : undefined;
        // A steering call that fails (a reset socket) only means one fault fewer.
        if (patch) await sim.faults(patch).catch(() => {});
        await sleep(rng.int(20, 120));
      }
    };
    log(
      `seed ${seed}: ${EDITORS} editors, ${BROADCASTS} broadcasts, resolver, fault controller for ${
        Math.round(durationMs / 1000)
      } s`,
    );
    await Promise.all([...Array.from({ length: EDITORS }, (_, n) => editor(n)), resolverLoop(), controller()]);

    // Settle: faults off, wait out the grace period, resolve until nothing is in flight.
    await sim.faults({ timeoutAfterCommit: null, errors5xx: null, rateLimit: null, latencyMs: null });
    let requeued = 0;
    let rounds = 0;
    for (; rounds < 40; rounds++) {
      await sql`update app_private.broadcasts set updated_at = now() - make_interval(secs => ${GRACE_SECONDS + 1})
                 where send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling', 'uncertain')`;
      for (const r of await sql`select id from app_private.broadcasts where send_status = 'unresolved'`) {
        // The operator's step, once Resend answers again.
        await sql`select public.broadcast_requeue(${r.id}::uuid)`;
        requeued++;
      }
      try {
        await runBroadcastResolver(tunedPorts, { ...resolver, graceSeconds: GRACE_SECONDS }, `chaos:settle:${rounds}`);
      } catch {
        await sleep(1000); // a killed run's lease runs out after its TTL
      }
      const [left] = await sql`select count(*)::int as n from app_private.broadcasts
        where send_status in ('scheduling', 'sending', 'rescheduling', 'cancelling', 'uncertain', 'unresolved')`;
      if (left!.n === 0) break;
    }

    // Invariants.
    const rows =
      await sql`select id, send_status, provider_broadcast_id, publish_at from app_private.broadcasts order by created_at`;
    const state = await sim.state();
    for (const row of rows) {
      const label = `broadcast ${row.id}`;
      if (!["draft", "scheduled", "sent", "canceled", "failed"].includes(row.send_status)) {
        violations.push(`${label}: left ${row.send_status}`);
        continue;
      }
      const named = state.broadcasts.filter((b) => b.name === `broadcast:${row.id}`);
      const live = named.filter((b) => b.status !== "draft");
      if (live.length > 1) violations.push(`${label}: ${live.length} provider broadcasts that can send`);
      for (const b of named) {
        if (b.id !== row.provider_broadcast_id && b.status !== "draft") {
          violations.push(`${label}: provider broadcast ${b.id} (${b.status}) the row does not know`);
        }
      }
      const mine = state.broadcasts.find((b) => b.id === row.provider_broadcast_id);
      const providerStatus = mine
        ? ({ queued: "sent", sent: "sent" } as Record<string, string>)[mine.status] ?? mine.status
        : "draft";
      if (providerStatus !== row.send_status) {
        violations.push(`${label}: row ${row.send_status}, provider ${mine?.status ?? "none"}`);
      }
      if (
        mine && row.send_status === "scheduled" && Date.parse(mine.scheduled_at!) !== new Date(row.publish_at).getTime()
      ) {
        violations.push(
          `${label}: row scheduled for ${new Date(row.publish_at).toISOString()}, provider for ${mine.scheduled_at}`,
        );
      }
    }
    await sim.fire();
    const emails = (await sim.state()).emails;
    const perRecipient = new Tally();
    for (const e of emails) perRecipient.add(`${e.subject} (one row per subject) to ${e.to}`);
    for (const [key, n] of Object.entries(perRecipient.counts)) if (n > 1) violations.push(`${key}: ${n} emails`);

    const faults = new Tally();
    for (const c of state.calls) if (c.fault) faults.add(c.fault);
    for (const [k, n] of Object.entries(kills.counts)) faults.add(k, n);
    return {
      seed,
      seconds: Math.round(durationMs / 1000),
      actions: actions.counts,
      answers: answers.counts,
      resolverRuns,
      faults: faults.counts,
      faultsTotal: faults.total,
      requeued,
      settleRounds: rounds + 1,
      emails: emails.length,
      violations,
    };
  } finally {
    await sql.end();
    await server.close();
  }
}

function format(r: Report): string {
  return markdownReport({
    ...r,
    title: `broadcasts chaos, seed ${r.seed}, ${r.seconds} s`,
    summary:
      `resolver runs ${r.resolverRuns}; settle rounds ${r.settleRounds}; unresolved rows requeued ${r.requeued}; emails after firing ${r.emails}`,
  });
}

chaosMain("broadcasts", async (run) => {
  const report = await runBroadcastChaos(run);
  return { text: format(report), violations: report.violations.length };
});
