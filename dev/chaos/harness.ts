// The chaos harness: several scheduler and reconcile runners at once against
// one Postgres and the simulators, a seeded controller injecting Braze faults,
// killing runners, dropping and stalling their database connections and
// changing the feed; then faults off, settle, and check the invariants.
import postgres from "postgres";
import { schedulerSettingsSchema } from "../../src/shared/jobs/braze-scheduler/settings.ts";
import { createBrazeClient } from "../../src/shared/providers/braze/client.ts";
import { createFootballDataClient } from "../../src/shared/providers/football-data/client.ts";
import { simClient, startBrazeSimulator } from "../sim/braze.ts";
import { simFootballClient, startFootballDataSimulator } from "../sim/football-data.ts";
import { ChaosFeed } from "./feed.ts";
import { checkInvariants, settle } from "./invariants.ts";
import { sleep } from "./prng.ts";
import type { Runner } from "./runners.ts";
import * as common from "./common/harness.ts";

export interface ChaosOptions extends common.ChaosRunOptions {
  matches?: number;
}

export interface ChaosReport extends common.CommonReport {
  expectedMatches: number;
  fired: number;
  violations: string[];
}

const CAMPAIGN = "chaos-campaign";

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log, rng, runs, faults, feedTally } = common.chaosTallies(options);
  // Chaos still runs reconcile in listing mode, so the simulator must list
  // API-triggered schedules (the real Braze does not; see dev/sim/braze/server.ts).
  const brazeServer = await startBrazeSimulator({
    port: 0,
    rateLimits: { perMinute: 1e9, broadcastPerMinute: 1e9 },
    listApiTriggered: true,
    updateAppliesTriggerProperties: true,
  });
  const footballServer = await startFootballDataSimulator({ port: 0, fixtures: [], requestsPerMinute: 1e9 });
  const brazeSim = simClient(brazeServer.url);
  const feed = new ChaosFeed(simFootballClient(footballServer.url), rng, feedTally);
  const admin = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });
  try {
    await feed.seed(options.matches ?? 60);
    const scheduler = schedulerSettingsSchema.parse({
      campaignId: CAMPAIGN,
      competitions: ["PL", "PD"],
      leaseTtlSeconds: common.LEASE_TTL_SECONDS,
      concurrency: 4,
      // Listing mode: an unknown create is left to reconcile, which looks it up by attempt id.
      listing: true,
    });
    const reconcile = common.chaosReconcileSettings(CAMPAIGN, 4);
    const brazeTuning = common.brazeTuning(brazeServer.url);
    const footballTuning = common.footballTuning(footballServer.url);
    const football = createFootballDataClient(footballTuning);

    const client = createBrazeClient(brazeTuning);
    const active = { latencyMs: 0, lag: 0, newId: false };
    const base = {
      databaseUrl: options.databaseUrl,
      braze: brazeTuning,
      football: footballTuning,
      scheduler,
      reconcile,
    };
    const { runners, hung } = common.startRunners(base, { runs, faults, log }, options);
    log(`chaos seed ${options.seed}: ${runners.length} runners for ${Math.round(options.durationMs / 1000)} s`);

    const deadline = Date.now() + options.durationMs;
    let ticks = 0;
    while (Date.now() < deadline) {
      ticks++;
      await sleep(rng.int(100, 400));
      const roll = rng.next();
      if (roll < 0.3) { for (let n = rng.int(1, 3); n > 0; n--) await feed.change(); }
      else if (roll < 0.7) {
        await brazeFault();
        for (const r of runners) r.send({ type: "faults", latencyMs: active.latencyMs, lag: active.lag });
      } else await hitRunner(roll);
      if (ticks % 50 === 0) {
        log(`${Math.round((deadline - Date.now()) / 1000)} s left; runs ${JSON.stringify(runs.counts)}`);
      }
    }

    /** Mostly the lease holder: killing or stalling a runner that only waits for the lock proves little. */
    // deno-lint-ignore no-inner-declarations -- hoisted: the fault loop above calls it
    async function victim(): Promise<Runner> {
      const held = await admin<
        { holder: string }[]
      >`select holder from app_private.job_leases where expires_at > now()`;
      const holder = runners.find((r) => held.some((h) => h.holder.startsWith(`${r.name}-`)));
      const random = rng.pick(runners);
      return holder && rng.chance(0.7) ? holder : random;
    }

    // deno-lint-ignore no-inner-declarations -- hoisted: the fault loop above calls it
    async function hitRunner(roll: number) {
      const target = await victim();
      if (roll < 0.8) {
        if (target.kill()) faults.add("runner:killed");
      } else if (roll < 0.9) await common.dropConnections(admin, target, faults);
      else common.stallBeyondTtl(target, rng, faults);
    }

    // deno-lint-ignore no-inner-declarations -- hoisted: the fault loop above calls it
    async function brazeFault() {
      const kind = rng.pick(
        [
          "latency",
          "latency",
          "rateLimit",
          "errors5xx",
          "errors5xxAfterCommit",
          "timeoutAfterCommit",
          "newIdOnUpdate",
          "listLag",
          "clear",
        ] as const,
      );
      switch (kind) {
        case "listLag":
          active.lag = rng.int(0, reconcile.listLagSeconds - 1);
          await brazeSim.faults({ listLagSeconds: active.lag || null });
          break;
        case "clear":
          Object.assign(active, { latencyMs: 0, lag: 0, newId: false });
          await brazeSim.clearFaults();
          break;
        default:
          await common.applyBrazeFault(brazeSim, rng, active, kind);
      }
    }

    log("stopping runners");
    await brazeSim.clearFaults();
    Object.assign(active, { latencyMs: 0, lag: 0, newId: false });
    await common.stopRunners(runners, brazeSim, faults);

    log("settling with faults off");
    return await common.withSettleSql(options.databaseUrl, async (settleSql) => {
      const settled = await settle(settleSql, { braze: client, football }, { scheduler, reconcile }, 120_000);
      const notSettled = common.settledViolations(settled, log);
      const check = await checkInvariants({
        sql: settleSql,
        brazeSim,
        feed: await simFootballClient(footballServer.url).matches(),
        everSeen: feed.everSeen,
        scheduler,
      });
      return {
        ...common.commonReport({ ...options, runs, faults, feedTally, settled }),
        expectedMatches: check.expected,
        fired: check.fired,
        violations: [...hung, ...notSettled, ...check.violations],
      };
    });
  } finally {
    await admin.end({ timeout: 5 });
    await brazeServer.close();
    await footballServer.close();
  }
}
