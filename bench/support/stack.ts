// A throwaway stack for one benchmark run: embedded Postgres (bootstrap and
// every migration applied, as the tests do), the Braze simulator and the
// football-data simulator. close() undoes whatever was started, in reverse,
// and is safe to call after a partial start or twice.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, applyPlatformBootstrap, startPostgres } from "../../dev/postgres.ts";
import { freePort } from "../../dev/ports.ts";
import { startBrazeSimulator, type BrazeSimulatorOptions } from "../../dev/sim/braze.ts";
import type { V4Match } from "../../dev/sim/fixtures.ts";
import { startFootballDataSimulator } from "../../dev/sim/football-data.ts";

export interface BenchStack {
  databaseUrl: string;
  brazeUrl: string;
  footballUrl: string;
  close(): Promise<void>;
}

export async function startBenchStack(options: {
  fixtures: V4Match[];
  brazeRateLimits?: BrazeSimulatorOptions["rateLimits"];
}): Promise<BenchStack> {
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

    const braze = await startBrazeSimulator({ port: 0, rateLimits: options.brazeRateLimits });
    undo.push(() => braze.close());
    const football = await startFootballDataSimulator({ port: 0, fixtures: options.fixtures });
    undo.push(() => football.close());

    return { databaseUrl: pg.url(), brazeUrl: braze.url, footballUrl: football.url, close };
  } catch (e) {
    await close();
    throw e;
  }
}
