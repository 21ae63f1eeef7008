// A throwaway stack for one benchmark run: embedded Postgres with every
// migration applied (dev/local-env.ts, as the tests build theirs), optionally
// every function served over it with the local environment, one Braze
// simulator per named workspace (each with its own rate-limit buckets, as
// separate Braze workspaces have) and the football-data simulator with the
// benchmark's fixtures. close() undoes whatever was started, in reverse, and is
// safe to call after a partial start or twice.
import { startLocalStack, startThrowawayPostgres } from "../../dev/local-env.ts";
import { type BrazeSimulatorOptions, startBrazeSimulator } from "../../dev/sim/braze.ts";
import type { V4Match } from "../../dev/sim/fixtures.ts";
import { startFootballDataSimulator } from "../../dev/sim/football-data.ts";

export interface BenchStack<W extends string = string> {
  databaseUrl: string;
  /** The Postgres server's port and temporary directory (for pgbench). */
  postgres: { port: number; dir: string };
  /** Base URL of each workspace's Braze simulator. */
  braze: Record<W, string>;
  /** The football-data simulator, when fixtures were given. */
  footballUrl: string;
  /** A served function's URL, when functionEnv was given. */
  functionUrl(name: string): string;
  close(): Promise<void>;
}

export async function startBenchStack<W extends string = never>(options: {
  /** Names the temporary directory. */
  label?: string;
  fixtures?: V4Match[];
  brazeWorkspaces?: readonly W[];
  brazeRateLimits?: BrazeSimulatorOptions["rateLimits"];
  /** Serve every function, with these settings over the local defaults. */
  functionEnv?: Record<string, string>;
}): Promise<BenchStack<W>> {
  const undo: (() => Promise<void>)[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const step of undo.reverse()) await step().catch((e) => console.error(`cleanup: ${(e as Error).message}`));
  };
  try {
    const pg = await startThrowawayPostgres({ label: options.label ?? "bench" });
    undo.push(() => pg.stop());

    let functionUrl: BenchStack["functionUrl"] = (name) => {
      throw new Error(`no functions served in this benchmark stack (asked for ${name})`);
    };
    if (options.functionEnv) {
      const local = await startLocalStack({ databaseUrl: pg.url, env: options.functionEnv });
      undo.push(() => local.close());
      functionUrl = local.url;
    }
    const braze = {} as Record<W, string>;
    for (const workspace of options.brazeWorkspaces ?? []) {
      const sim = await startBrazeSimulator({ port: 0, rateLimits: options.brazeRateLimits });
      undo.push(() => sim.close());
      braze[workspace] = sim.url;
    }
    let footballUrl = "";
    if (options.fixtures) {
      const football = await startFootballDataSimulator({ port: 0, fixtures: options.fixtures });
      undo.push(() => football.close());
      footballUrl = football.url;
    }
    return {
      databaseUrl: pg.url,
      postgres: { port: pg.port, dir: pg.dir },
      braze,
      footballUrl,
      functionUrl,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
