// A throwaway stack for one benchmark run: embedded Postgres (bootstrap and
// every migration applied, as the tests do), one Braze simulator per named
// workspace (each with its own rate-limit buckets, as separate Braze
// workspaces have) and the football-data simulator. close() undoes whatever was started, in reverse,
// and is safe to call after a partial start or twice.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, applyPlatformBootstrap, startPostgres } from "../../dev/postgres.ts";
import { freePort } from "../../dev/ports.ts";
import { type BrazeSimulatorOptions, startBrazeSimulator } from "../../dev/sim/braze.ts";
import type { V4Match } from "../../dev/sim/fixtures.ts";
import { startFootballDataSimulator } from "../../dev/sim/football-data.ts";

export interface BenchStack<W extends string = string> {
  databaseUrl: string;
  /** Base URL of each workspace's Braze simulator. */
  braze: Record<W, string>;
  footballUrl: string;
  close(): Promise<void>;
}

export async function startBenchStack<W extends string>(options: {
  fixtures: V4Match[];
  brazeWorkspaces: readonly W[];
  brazeRateLimits?: BrazeSimulatorOptions["rateLimits"];
}): Promise<BenchStack<W>> {
  const undo: (() => Promise<void>)[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const step of undo.reverse()) await step().catch((e) => console.error(`cleanup: ${(e as Error).message}`));
  };
  try {
    const dir = await mkdtemp(join(tmpdir(), "bench-scheduler-"));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    await chmod(dir, 0o755); // the cluster runs as the unprivileged postgres OS user when we are root
    const pg = await startPostgres({ dataDir: join(dir, "data"), port: await freePort(), persistent: false });
    undo.push(() => pg.stop());
    await applyPlatformBootstrap(pg.url());
    await applyMigrations(pg.url());

    const braze = {} as Record<W, string>;
    for (const workspace of options.brazeWorkspaces) {
      const sim = await startBrazeSimulator({ port: 0, rateLimits: options.brazeRateLimits });
      undo.push(() => sim.close());
      braze[workspace] = sim.url;
    }
    const football = await startFootballDataSimulator({ port: 0, fixtures: options.fixtures });
    undo.push(() => football.close());

    return { databaseUrl: pg.url(), braze, footballUrl: football.url, close };
  } catch (e) {
    await close();
    throw e;
  }
}
