// Everything an e2e test of the Braze jobs needs: a fresh database, both
// simulators, and every function served by Deno against them.
import { fixture, type MatchPatch } from "../../dev/sim/fixtures.ts";
import { simClient, startBrazeSimulator } from "../../dev/sim/braze.ts";
import { simFootballClient, startFootballDataSimulator } from "../../dev/sim/football-data.ts";
import { createTestDatabase } from "./db.ts";
import { serveFunctions } from "./functions.ts";

export const CRON_SECRET = "local-cron-secret-for-tests";
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
    }),
  );
}

export async function startSchedulerStack(options: { matches: MatchPatch[]; env?: Record<string, string> }) {
  const database = await createTestDatabase();
  const braze = await startBrazeSimulator({ port: 0 });
  const football = await startFootballDataSimulator({ port: 0, fixtures: options.matches.map((m) => fixture(m)) });
  const functions = await serveFunctions({
    DB_ADAPTER: "direct",
    SUPABASE_DB_URL: database.url,
    CRON_SECRET,
    SUPABASE_SERVICE_ROLE_KEY: "service-role-key-for-tests",
    BRAZE_REST_URL: braze.url,
    BRAZE_API_KEY: "local-braze-key",
    BRAZE_CAMPAIGN_ID: CAMPAIGN_ID,
    FOOTBALL_DATA_URL: football.url,
    FOOTBALL_DATA_TOKEN: "local-football-token",
    FOOTBALL_COMPETITIONS: "PL,PD",
    ...options.env,
  });

  async function invoke(name: string, init: { token?: string | null; body?: string } = {}) {
    const token = init.token === undefined ? CRON_SECRET : init.token;
    const res = await fetch(functions.url(name), {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: init.body ?? "{}",
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  return {
    database,
    brazeSim: simClient(braze.url),
    footballSim: simFootballClient(football.url),
    invoke,
    runScheduler: (init?: { token?: string | null; body?: string }) => invoke("braze-scheduler", init),
    /** Braze schedules that are still going to fire. */
    async liveSchedules() {
      return (await simClient(braze.url).state()).schedules.filter((s) => s.status === "scheduled");
    },
    async brazeWrites() {
      return (await simClient(braze.url).state()).calls.filter((c) => !c.endpoint.includes("scheduled_broadcasts"));
    },
    async close() {
      await functions.close();
      await braze.close();
      await football.close();
      await database.drop();
    },
  };
}

export type SchedulerStack = Awaited<ReturnType<typeof startSchedulerStack>>;
