// npm run chaos -- [--job braze|broadcasts|delete-user] --seed <n> --minutes <m>   (or --seconds <s>)
// Starts a throwaway embedded Postgres with the platform bootstrap and every
// migration, runs the chaos harness (which starts its own simulators), prints
// the tables, and exits non-zero on any invariant violation.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { applyMigrations, applyPlatformBootstrap, startPostgres } from "../postgres.ts";
import { freePort } from "../ports.ts";
import { formatReport } from "./format.ts";
import { runChaos } from "./harness.ts";

function parse(): { seed: number; durationMs: number; quiet: boolean } {
  const { values } = parseArgs({
    options: {
      job: { type: "string" },
      seed: { type: "string" },
      minutes: { type: "string" },
      seconds: { type: "string" },
      quiet: { type: "boolean" },
    },
    strict: true,
  });
  const seed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : Number(values.seed);
  const seconds = values.seconds !== undefined ? Number(values.seconds) : Number(values.minutes ?? "1") * 60;
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got ${values.seed}`);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--minutes / --seconds must be a positive number");
  return { seed, durationMs: Math.round(seconds * 1000), quiet: values.quiet === true };
}

async function main() {
  const { seed, durationMs, quiet } = parse();
  const dir = await mkdtemp(join(tmpdir(), "race-safe-chaos-"));
  await chmod(dir, 0o755); // the cluster runs as the unprivileged postgres user when we are root
  const pg = await startPostgres({ dataDir: join(dir, "data"), port: await freePort(), persistent: false });
  let failed = true;
  try {
    await applyPlatformBootstrap(pg.url());
    await applyMigrations(pg.url());
    const started = Date.now();
    const report = await runChaos({
      seed,
      durationMs,
      databaseUrl: pg.url(),
      log: quiet ? undefined : (l) => console.error(`[chaos ${Math.round((Date.now() - started) / 1000)}s] ${l}`),
    });
    console.log(formatReport(report));
    console.log(`\nreproduce: npm run chaos -- --seed ${seed} --seconds ${Math.round(durationMs / 1000)}`);
    failed = report.violations.length > 0;
  } finally {
    await pg.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

// --job braze (the default) | broadcasts | delete-user. The other jobs have
// chaos entries of their own, which read the same flags and run on import.
const jobFlag = process.argv.indexOf("--job");
const job = jobFlag === -1 ? "braze" : process.argv[jobFlag + 1];
if (job === "broadcasts") await import("./broadcasts/run.ts");
else if (job === "delete-user") await import("./delete-user/run.ts");
else if (job === "braze") {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
} else {
  console.error(`--job must be braze, broadcasts or delete-user, got ${job}`);
  process.exit(2);
}
