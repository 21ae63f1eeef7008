// Everything an e2e test of the Braze jobs needs: the test stack (./stack.ts)
// with the Braze and football-data simulators set up for the scheduler, the
// scheduler's core runnable in this process, and checks over Braze and the ledger.
import { fixture, type MatchPatch } from "../../dev/sim/fixtures.ts";
import { simClient } from "../../dev/sim/braze.ts";
import { simFootballClient } from "../../dev/sim/football-data.ts";
import { simTranslatorClient } from "../../dev/sim/translator.ts";
import { createFootballDataClient } from "../../src/shared/providers/football-data/client.ts";
import { type SchedulerPorts } from "../../src/shared/jobs/braze-scheduler/run.ts";
import { type SchedulerSettings, schedulerSettingsSchema } from "../../src/shared/jobs/braze-scheduler/settings.ts";
import type { Sql } from "postgres";
import { type Braze, type Db, systemClock } from "../../src/shared/ports.ts";
import { brazeClientOver } from "./braze.ts";
import { CRON_SECRET, SERVICE_ROLE_KEY, startTestStack } from "./stack.ts";

export { CRON_SECRET, SERVICE_ROLE_KEY };
export const CAMPAIGN_ID = "campaign-e2e";
const DAY = 86_400_000;

/** n upcoming matches, kickoffs spread over the next days at whole hours. */
export function upcomingMatches(n: number, now = new Date()): MatchPatch[] {
  const firstDay = Math.floor(now.getTime() / DAY) + 2;
  return Array.from({ length: n }, (_, i) =>
    fixture({
      id: 700_000 + i,
      utcDate: new Date((firstDay + (i % 5)) * DAY + (12 + (i % 8)) * 3_600_000).toISOString().replace(".000Z", "Z"),
      status: "TIMED",
      homeTeam: { id: 1000 + i, name: `Home ${i} FC` },
      awayTeam: { id: 2000 + i, name: `Away ${i} FC` },
    }));
}

/**
 * Production mode by default: the Braze simulator lists no API-triggered
 * schedules and reconcile runs ledger-only. `listing: true` turns on listing
 * mode in both (the simulator shows schedules with their attempt ids).
 * `updateAppliesTriggerProperties` lets schedule updates change the content.
 */
export async function startSchedulerStack(options: {
  matches: MatchPatch[];
  env?: Record<string, string>;
  listing?: boolean;
  updateAppliesTriggerProperties?: boolean;
}) {
  const stack = await startTestStack({
    env: {
      BRAZE_CAMPAIGN_ID: CAMPAIGN_ID,
      // One locale unless a test asks for more: core() below runs with the
      // settings' default (en), and a served run must sign schedules the same way.
      BRAZE_LOCALES: "en",
      BRAZE_LISTING: options.listing ? "true" : "false",
      // Pacing is covered by its unit test; here it only needs to stay out of the way.
      BRAZE_CREATES_PER_MINUTE: "6000",
      BRAZE_LIST_LAG_SECONDS: "0",
      BRAZE_RECONCILE_GRACE_SECONDS: "0",
      ...options.env,
    },
    simulators: {
      braze: {
        listApiTriggered: options.listing === true,
        updateAppliesTriggerProperties: options.updateAppliesTriggerProperties === true,
      },
      football: { fixtures: options.matches.map((m) => fixture(m)) },
    },
  });
  const { database, invoke } = stack;
  const braze = stack.sims.braze!;
  const football = stack.sims.football!;
  const translator = stack.sims.translator!;

  /**
   * The scheduler's core in this process, against the same database and
   * simulators, for faults the served function cannot be given (a database
   * that fails one RPC). `wrapDb` sees every RPC; `countFetch` every Braze request.
   */
  const listingMode = options.listing === true;
  function core(
    options: {
      wrapDb?: (db: Db) => Db;
      settings?: Partial<SchedulerSettings>;
      onBrazeRequest?: (url: string) => void;
    } = {},
  ) {
    const ports: SchedulerPorts = {
      db: options.wrapDb ? options.wrapDb(database.db) : database.db,
      braze: brazeClientOver(braze.url, {
        createsPerMinute: 0,
        fetch: (input, init) => (options.onBrazeRequest?.(String(input)), fetch(input, init)),
      }),
      football: createFootballDataClient({ baseUrl: football.url, apiToken: stack.env.FOOTBALL_DATA_TOKEN! }),
      clock: systemClock,
      newId: () => crypto.randomUUID(),
    };
    const settings = schedulerSettingsSchema.parse({
      campaignId: CAMPAIGN_ID,
      competitions: ["PL", "PD"],
      listing: listingMode,
      ...options.settings,
    });
    return { ports, settings };
  }

  return {
    /** The served function's URL, for callers that build their own requests. */
    url: stack.url,
    core,
    database,
    brazeSim: simClient(braze.url),
    footballSim: simFootballClient(football.url),
    translatorSim: simTranslatorClient(translator.url),
    invoke,
    runScheduler: (init?: { token?: string | null; body?: string }) => invoke("braze-scheduler", init),
    runReconcile: (init?: { token?: string | null; body?: string }) => invoke("braze-reconcile", init),
    /** As if the running holder stalled past its TTL: the lease is free to take. */
    async expireLease() {
      await database.sql`update app_private.job_leases set expires_at = now() - interval '1 second'`;
    },
    /** Every upcoming match has exactly one live Braze schedule, at the right time, owned by the ledger. */
    async assertOneOwnedSchedulePerMatch(expected: { id: number; utcDate: string }[], leadMinutes = 60) {
      const live = (await simClient(braze.url).state()).schedules.filter((s) => s.status === "scheduled");
      const ledger = await database.sql<{ match_id: string; status: string; braze_schedule_id: string }[]>`
        select match_id, status, braze_schedule_id from app_private.schedule_ledger where status <> 'cancelled'`;
      const problems: string[] = [];
      for (const m of expected) {
        const schedules = live.filter((s) => Number(s.trigger_properties.match_id) === m.id);
        const rows = ledger.filter((r) => Number(r.match_id) === m.id);
        if (schedules.length !== 1) problems.push(`match ${m.id}: ${schedules.length} live schedules`);
        else if (Date.parse(schedules[0]!.send_at) !== Date.parse(m.utcDate) - leadMinutes * 60_000) {
          problems.push(`match ${m.id}: wrong send time ${schedules[0]!.send_at}`);
        }
        if (rows.length !== 1 || rows[0]!.status !== "scheduled") {
          problems.push(`match ${m.id}: ledger ${JSON.stringify(rows)}`);
        } else if (schedules.length === 1 && rows[0]!.braze_schedule_id !== schedules[0]!.id) {
          problems.push(`match ${m.id}: ledger owns ${rows[0]!.braze_schedule_id}, Braze has ${schedules[0]!.id}`);
        }
      }
      if (live.length !== expected.length) {
        problems.push(`${live.length} live schedules for ${expected.length} matches`);
      }
      return problems;
    },
    /** Moves the Braze clock past every send time; returns how often each match's notification fired. */
    async fireEverything() {
      const latest = Math.max(
        ...(await simClient(braze.url).state()).schedules.map((s) => Date.parse(s.send_at)),
        Date.now(),
      );
      await simClient(braze.url).clock({ advanceTo: new Date(latest + 60_000).toISOString() });
      const fired = (await simClient(braze.url).state()).fired;
      const perMatch = new Map<number, number>();
      for (const f of fired) {
        perMatch.set(
          Number(f.trigger_properties.match_id),
          (perMatch.get(Number(f.trigger_properties.match_id)) ?? 0) + 1,
        );
      }
      return perMatch;
    },
    /** Braze schedules that are still going to fire. */
    async liveSchedules() {
      return (await simClient(braze.url).state()).schedules.filter((s) => s.status === "scheduled");
    },
    async brazeWrites() {
      return (await simClient(braze.url).state()).calls.filter((c) => !c.endpoint.includes("scheduled_broadcasts"));
    },
    close: stack.close,
  };
}

export type SchedulerStack = Awaited<ReturnType<typeof startSchedulerStack>>;

/**
 * A Braze port that records, as each create starts, how many ledger rows are
 * between states: what a crash at that moment would leave with an unknown
 * outcome. Built from the port's write methods only (no listing, no
 * wait-budget hook), so a run calls it as production's port.
 */
export function unsettledAtEachCreate(inner: Braze, sql: Sql): { braze: Braze; unsettled: number[] } {
  const unsettled: number[] = [];
  const braze: Braze = {
    updateSchedule: (input) => inner.updateSchedule(input),
    deleteSchedule: (input) => inner.deleteSchedule(input),
    createSchedule: async (input) => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from app_private.schedule_ledger
        where status in ('creating', 'updating', 'cancelling')`;
      unsettled.push(row!.n);
      return inner.createSchedule(input);
    },
  };
  return { braze, unsettled };
}
