// The command line every chaos entry shares: --seed, --minutes / --seconds,
// --quiet (and --job, read by dev/chaos/run.ts); a throwaway embedded Postgres
// with the platform bootstrap and every migration; the report; and the exit
// status (1 on any violation, 2 when the run itself failed).
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { applyMigrations, applyPlatformBootstrap, startPostgres } from "../postgres.ts";
import { freePort } from "../ports.ts";

export interface ChaosRun {
  seed: number;
  durationMs: number;
  databaseUrl: string;
  /** Progress lines on stderr, or nothing with --quiet. */
  log: (line: string) => void;
}

export interface ChaosOutcome {
  /** The report printed on stdout. */
  text: string;
  violations: number;
}

function parse(): { seed: number; durationMs: number; quiet: boolean } {
  const { values } = parseArgs({
    options: {
      job: { type: "string" },
      seed: { type: "string" },
      minutes: { type: "string" },
      seconds: { type: "string" },
      quiet: { type: "boolean" },
      // The braze job's mode flag, read by dev/chaos/run.ts.
      listing: { type: "boolean" },
    },
    strict: true,
  });
  const seed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : Number(values.seed);
  const seconds = values.seconds !== undefined ? Number(values.seconds) : Number(values.minutes ?? "1") * 60;
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${values.seed}`);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--minutes / --seconds must be a positive number");
  return { seed, durationMs: Math.round(seconds * 1000), quiet: values.quiet === true };
}

/** Runs one job's chaos from the command line; `job` names it in the reproduce line. */
export function chaosMain(job: string, run: (r: ChaosRun) => Promise<ChaosOutcome>): void {
  (async () => {
    const { seed, durationMs, quiet } = parse();
    const dir = await mkdtemp(join(tmpdir(), `race-safe-chaos-${job}-`));
    await chmod(dir, 0o755); // the cluster runs as the unprivileged postgres user when we are root
    const pg = await startPostgres({ dataDir: join(dir, "data"), port: await freePort(), persistent: false });
    let failed = true;
    try {
      await applyPlatformBootstrap(pg.url());
      await applyMigrations(pg.url());
      const started = Date.now();
      const log = quiet
        ? () => {}
        : (line: string) => console.error(`[chaos ${Math.round((Date.now() - started) / 1000)}s] ${line}`);
      const outcome = await run({ seed, durationMs, databaseUrl: pg.url(), log });
      console.log(outcome.text);
      console.log(
        `\nreproduce: npm run chaos -- --job ${job} --seed ${seed} --seconds ${Math.round(durationMs / 1000)}`,
      );
      failed = outcome.violations > 0;
    } finally {
      await pg.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
    process.exit(failed ? 1 : 0);
  })().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
