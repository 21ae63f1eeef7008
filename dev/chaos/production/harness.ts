// Chaos in production mode: ledger-only (the Braze port cannot list, as the
// real Braze lists no API-triggered schedules), with the delivery guard served
// as the deployed function and called by the Braze simulator through the
// campaign's own template at each send time. Pushes go out during the run, in
// real time, because the guard judges send times by the database's clock.
//
// Several scheduler and reconcile runners (own processes) run at once while a
// seeded controller kills and stalls them, drops their connections, fails a
// lease renewal once, takes the lease from under a holder (its next settle is
// answered lease_lost), has the translator answer garbage, throttles Braze
// with X-RateLimit headers, fails and delays Braze calls, and changes the feed
// (a match re-dated after its push went out included). Faults stop at the
// run's duration; the runners go on until the last push of the window has
// gone out; then the ledger is settled and every delivery is checked.
import postgres from "postgres";
import { leaseNameFor } from "../../../src/shared/jobs/braze/campaign.ts";
import { schedulerSettingsSchema } from "../../../src/shared/jobs/braze-scheduler/settings.ts";
import { createBrazeClient } from "../../../src/shared/providers/braze/client.ts";
import { createFootballDataClient } from "../../../src/shared/providers/football-data/client.ts";
import { LOCAL_SECRETS, startLocalStack } from "../../local-env.ts";
import { freePort } from "../../ports.ts";
import { simClient } from "../../sim/braze.ts";
import { simFootballClient } from "../../sim/football-data.ts";
import { DEFAULT_DEEPL_KEY, simTranslatorClient } from "../../sim/translator.ts";
import { sleep, Tally } from "../prng.ts";
import type { Runner } from "../runners.ts";
import * as common from "../common/harness.ts";
import { ProductionFeed } from "./feed.ts";
import { checkDeliveries, settleLedger } from "./invariants.ts";

export interface ProductionChaosOptions extends common.ChaosRunOptions {
  /** Matches whose push goes out during the run; a few more are days ahead. */
  matches?: number;
  /** When pushes go out and how the feed may change them; absent: DEFAULT_TIMING. */
  timing?: Partial<ProductionTiming>;
}

/** The run's clock plan, in ms from the start. */
export interface ProductionTiming {
  /** The first pushes go out this long after the start: time for the first runs to create them. */
  firstSendAfterMs: number;
  /** The last push goes out at least this long after the start (or 30 s after the faults stop, if later). */
  lastSendAfterMs: number;
  /** No change touches a push this close, or sets one this close (see ProductionFeed). */
  freezeMs: number;
  /** A moved send time moves at least this far: more than the guard's tolerance. */
  minMoveMs: number;
  /** After the last push: how long the runners go on, so every due push has fired and rendered. */
  drainMs: number;
  /**
   * The least time between two faults that take the lease out of play (a
   * killed holder, dropped connections, a stall past the TTL, a failed
   * renewal, the lease expired under its holder). Each leaves the lease
   * unusable for up to a TTL; back to back they would leave no run any time
   * to act, and no push would be owed. Other faults are not spaced.
   */
  leaseFaultGapMs: number;
}

/**
 * The guard's tolerance at its minimum (60 s), the update buffer one minute,
 * the create margin 30 s: the feed freezes a match 150 s before its push, so a
 * change has 90 s under faults to reach Braze before the buffer closes.
 */
export const DEFAULT_TIMING: ProductionTiming = {
  firstSendAfterMs: 90_000,
  lastSendAfterMs: 270_000,
  freezeMs: 150_000,
  minMoveMs: 3 * 60_000,
  drainMs: 45_000,
  leaseFaultGapMs: 2 * common.LEASE_TTL_SECONDS * 1000,
};

export interface ProductionChaosReport extends common.CommonReport {
  mode: "production";
  counts: Record<string, number>;
  expectedDeliveries: number;
  deliveries: number;
  aborted: number;
  /**
   * Rows needing an operator: rows of the campaign still between states
   * (creating, updating, cancelling, uncertain) after the ledger was settled
   * with faults off. No job reports an outcome "unresolvable" any more
   * (ledger-only reconcile makes an unknown create again, waits for the guard,
   * or expires it), so this is read from the ledger, not from run counts.
   */
  unresolvable: number;
  /**
   * Per job, over its killed runs: the most rows of unknown outcome one left,
   * and the bound (the job's Braze concurrency: both write intents per batch
   * as wide as it); `inexact`: kills whose count is only a lower bound (a
   * session outlived the wait, or the lease passed on first).
   */
  unknownAfterCrash: Record<Runner["config"]["kind"], CrashBound>;
  violations: string[];
}

export interface CrashBound {
  max: number;
  bound: number;
  crashes: number;
  inexact: number;
}

const CAMPAIGN = "chaos-campaign";
const CONCURRENCY = 4;
const GUARD_TOLERANCE_SECONDS = 60;

export async function runProductionChaos(options: ProductionChaosOptions): Promise<ProductionChaosReport> {
  const { log, rng, runs, faults, feedTally } = common.chaosTallies(options);
  const counts = new Tally();
  let started = Date.now();
  const timing = { ...DEFAULT_TIMING, ...options.timing };

  const functionsPort = await freePort();
  const guardUrl = `http://127.0.0.1:${functionsPort}/functions/v1/braze-send-guard`;
  const stack = await startLocalStack({
    databaseUrl: options.databaseUrl,
    ports: { functions: functionsPort },
    env: {
      BRAZE_CAMPAIGN_ID: CAMPAIGN,
      BRAZE_GUARD_TOLERANCE_SECONDS: String(GUARD_TOLERANCE_SECONDS),
    },
    simulators: {
      braze: {
        rateLimits: { perMinute: 1e9, broadcastPerMinute: 1e9 },
        sendGuard: { url: guardUrl, secret: LOCAL_SECRETS.brazeGuard },
      },
      football: { fixtures: [], requestsPerMinute: 1e9 },
    },
    onLine: (line) => log(`functions: ${line}`),
  });
  const brazeUrl = stack.sims.braze!.url;
  const footballUrl = stack.sims.football!.url;
  const translatorUrl = stack.sims.translator!.url;
  const brazeSim = simClient(brazeUrl);
  const translatorSim = simTranslatorClient(translatorUrl);
  const admin = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });
  try {
    const feed = new ProductionFeed(simFootballClient(footballUrl), rng, feedTally, {
      firstSendMs: started + timing.firstSendAfterMs,
      // Pushes for at least lastSendAfterMs, so a short run still has some to check.
      lastSendMs: Math.max(started + options.durationMs + 30_000, started + timing.lastSendAfterMs),
      leadMinutes: 60,
      freezeMs: timing.freezeMs,
      minMoveMs: timing.minMoveMs,
    });
    const scheduler = schedulerSettingsSchema.parse({
      campaignId: CAMPAIGN,
      competitions: ["PL", "PD"],
      leaseTtlSeconds: common.LEASE_TTL_SECONDS,
      concurrency: CONCURRENCY,
      updateBufferMinutes: 1,
      createMarginSeconds: 30,
      // The guard's own tolerance: moves larger than it plus a minute are updates, smaller ones new schedules.
      guardToleranceSeconds: GUARD_TOLERANCE_SECONDS,
      locales: ["en", "de"],
      translationBudgetSeconds: 2,
    });
    const reconcile = common.chaosReconcileSettings(CAMPAIGN, CONCURRENCY);
    const crashes: Record<Runner["config"]["kind"], CrashBound> = {
      scheduler: { max: 0, bound: scheduler.concurrency, crashes: 0, inexact: 0 },
      reconcile: { max: 0, bound: reconcile.concurrency, crashes: 0, inexact: 0 },
    };
    const brazeTuning = common.brazeTuning(brazeUrl);
    const footballTuning = common.footballTuning(footballUrl);
    const translatorTuning = { baseUrl: translatorUrl, apiKey: DEFAULT_DEEPL_KEY, timeoutMs: 2_000, baseDelayMs: 50 };

    const active = { latencyMs: 0, newId: false };
    const unknownBound: string[] = [];
    const base = {
      databaseUrl: options.databaseUrl,
      braze: brazeTuning,
      football: footballTuning,
      translator: translatorTuning,
      scheduler,
      reconcile,
      listing: false,
    };
    const { runners, hung } = common.startRunners(base, { runs, faults, counts, log }, options);
    // The clock plan starts once every runner is up: the first pushes are due
    // firstSendAfterMs after that, whatever start-up cost on a loaded machine.
    await Promise.all(runners.map((r) => r.ready));
    started = Date.now();
    Object.assign(feed.times, {
      firstSendMs: started + timing.firstSendAfterMs,
      lastSendMs: Math.max(started + options.durationMs + 30_000, started + timing.lastSendAfterMs),
    });
    await feed.seed(options.matches ?? 40, 6);
    log(`production chaos seed ${options.seed}: ${runners.length} runners, faults for ${options.durationMs / 1000} s`);

    /** The lease holder most of the time: killing a runner that only waits for the lock proves little. */
    const victim = async (): Promise<Runner> => {
      const held = await admin<{ holder: string }[]>`
        select holder from app_private.job_leases where expires_at > now()`;
      const holder = runners.find((r) => held.some((h) => h.holder.startsWith(`${r.name}-`)));
      return holder && rng.chance(0.7) ? holder : rng.pick(runners);
    };

    /**
     * What a SIGKILL about to hit `target` may leave unknown, recorded before
     * the kill: the fencing token of its run's lease row and the backends of
     * its database sessions. After the kill the token may be gone from
     * job_leases (a rival takes the lease once it expires), so it is read now;
     * a run that holds no lease row can write no intent, so it leaves nothing
     * to bound. An expired row still counts: intents written under its token
     * are stranded just the same.
     */
    const beforeKill = async (target: Runner) => {
      const [lease] = target.holder
        ? await admin<{ token: string }[]>`
          select token::text from app_private.job_leases where holder = ${target.holder}`
        : [];
      const pids = await admin<{ pid: number }[]>`
        select pid from pg_stat_activity where application_name = ${`chaos-${target.name}`}`;
      return { token: lease ? BigInt(lease.token) : null, pids: pids.map((p) => p.pid) };
    };

    /**
     * Rows a killed run left with an unknown outcome: intents under its
     * fencing token. Counted only once its database sessions are gone:
     * SIGKILL ends the client, not a statement Postgres is running, which
     * commits on its own and notices the lost client only when it next
     * touches the socket (client_connection_check_interval defaults to 0, "which
     * disables connection checks":
     * https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-CLIENT-CONNECTION-CHECK-INTERVAL).
     * So an in-flight ledger_begin may still add intents after the kill.
     * The wait is bounded (two lease TTLs); `exact` is false when a session
     * outlived it, or when a later lease was granted on the campaign before
     * the count (a rival may have begun the rows again under its own token).
     */
    const unknownAfterKill = async (before: { token: bigint; pids: number[] }) => {
      const until = Date.now() + 2 * common.LEASE_TTL_SECONDS * 1000;
      let alive = before.pids.length;
      while (alive > 0 && Date.now() < until) {
        await sleep(20);
        const [row] = await admin<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where pid = any(${before.pids}::int[])`;
        alive = row?.n ?? 0;
      }
      const [row] = await admin<{ n: number; passed_on: boolean }[]>`
        select
          (select count(*)::int from app_private.schedule_ledger
            where campaign_id = ${CAMPAIGN} and fencing_token = ${before.token.toString()}::bigint
              and status in ('creating', 'updating', 'cancelling')) as n,
          exists (select 1 from app_private.job_runs
            where lease = ${
        leaseNameFor(CAMPAIGN)
      } and fencing_token > ${before.token.toString()}::bigint) as passed_on`;
      return { n: row?.n ?? 0, exact: alive === 0 && !row?.passed_on, sessionsLeft: alive };
    };

    const hitRunner = async (roll: number) => {
      const target = await victim();
      if (roll < 0.6) {
        const holder = target.holder;
        const before = await beforeKill(target);
        if (target.kill()) {
          faults.add("runner:killed");
          if (before.token !== null) {
            const crash = crashes[target.config.kind];
            const { n, exact, sessionsLeft } = await unknownAfterKill({ token: before.token, pids: before.pids });
            crash.crashes++;
            crash.max = Math.max(crash.max, n);
            if (!exact) {
              crash.inexact++;
              log(
                `killed run ${holder}: ${n} rows unknown, a lower bound (${
                  sessionsLeft ? `${sessionsLeft} session(s) still running` : "the lease passed on before the count"
                })`,
              );
            }
            if (n > crash.bound) unknownBound.push(`killed run ${holder} left ${n} rows unknown (> ${crash.bound})`);
          }
        }
      } else if (roll < 0.75) await common.dropConnections(admin, target, faults);
      else if (roll < 0.85) common.stallBeyondTtl(target, rng, faults);
      else if (roll < 0.93) {
        // Counted by the runner when its next renewal actually fails.
        target.send({ type: "failRenewal" });
      } else {
        // The lease ends under its holder (as when its renewals stalled past
        // the TTL): a rival takes it, and the holder's next settle or renewal
        // is answered lease_lost.
        const taken = await admin`
          update app_private.job_leases set expires_at = now()
          where job = ${`braze:campaign:${CAMPAIGN}`} and expires_at > now() returning holder`;
        if (taken.length) faults.add("lease:expiredUnderHolder");
      }
    };

    const brazeFault = async () => {
      const kind = rng.pick(
        [
          "latency",
          "latency",
          "throttle",
          "throttle",
          "rateLimit",
          "errors5xx",
          "errors5xxAfterCommit",
          "timeoutAfterCommit",
          "newIdOnUpdate",
          "clear",
        ] as const,
      );
      switch (kind) {
        case "throttle":
          // A budget that runs out: the headers say how many are left and when it resets.
          await brazeSim.faults({ rateLimit: { remaining: rng.int(1, 6), resetSeconds: rng.int(1, 4) } });
          faults.add("braze:throttleWindow");
          break;
        case "clear":
          Object.assign(active, { latencyMs: 0, newId: false });
          await brazeSim.clearFaults();
          break;
        default:
          await common.applyBrazeFault(brazeSim, rng, active, kind);
      }
      for (const r of runners) r.send({ type: "faults", latencyMs: active.latencyMs, lag: 0 });
    };

    const translatorFault = async () => {
      const garbage = rng.pick(["empty", "nul", "long", null, null] as const);
      await translatorSim.faults(garbage ? { garbage } : {});
      if (garbage) faults.add(`translator:${garbage}`);
    };

    const deadline = started + options.durationMs;
    let leaseFaultsFrom = 0;
    let ticks = 0;
    while (Date.now() < deadline) {
      ticks++;
      await sleep(rng.int(50, 250));
      const roll = rng.next();
      if (roll < 0.25) {
        for (let n = rng.int(1, 2); n > 0; n--) await feed.change();
      } else if (roll < 0.6) await brazeFault();
      else if (roll < 0.67) await translatorFault();
      else if (Date.now() >= leaseFaultsFrom) {
        await hitRunner(rng.next());
        leaseFaultsFrom = Date.now() + rng.int(timing.leaseFaultGapMs, 2 * timing.leaseFaultGapMs);
      } else await brazeFault();
      if (ticks % 50 === 0) {
        const st = await brazeSim.state();
        log(
          `${Math.round((deadline - Date.now()) / 1000)} s of faults left; runs ${
            JSON.stringify(runs.counts)
          }; delivered ${Object.keys(st.delivered_per_match).length} matches`,
        );
      }
    }

    log("faults off; runners go on until the last push of the window has gone out");
    await brazeSim.clearFaults();
    await translatorSim.faults({});
    for (const r of runners) r.send({ type: "faults", latencyMs: 0, lag: 0 });
    const lastSend = feed.times.lastSendMs;
    while (Date.now() < lastSend + timing.drainMs) await sleep(1000);
    await common.stopRunners(runners, brazeSim, faults);

    log("settling the ledger with faults off");
    return await common.withSettleSql(options.databaseUrl, async (settleSql) => {
      const football = createFootballDataClient(footballTuning);
      const braze = createBrazeClient(brazeTuning);
      const settled = await settleLedger(settleSql, { braze: { ...braze, listSchedules: undefined }, football }, {
        scheduler,
        reconcile,
      }, 120_000);
      const notSettled = common.settledViolations(settled, log);
      const check = await checkDeliveries({
        sql: settleSql,
        brazeSim,
        feed,
        scheduler,
        observedUntilMs: lastSend + 30_000,
      });
      const unresolvable = check.unresolvedRows;
      const violations = [
        ...hung,
        ...unknownBound,
        ...notSettled,
        ...(unresolvable > 0 ? [`${unresolvable} row(s) left between states after settling`] : []),
        ...check.violations,
      ];
      return {
        mode: "production",
        ...common.commonReport({ ...options, runs, faults, feedTally, settled }),
        counts: counts.counts,
        expectedDeliveries: check.expected,
        deliveries: check.delivered,
        aborted: check.aborted,
        unresolvable,
        unknownAfterCrash: crashes,
        violations,
      };
    });
  } finally {
    await admin.end({ timeout: 5 });
    await stack.close();
  }
}
