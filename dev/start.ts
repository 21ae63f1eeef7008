// `npm start`: the whole project locally, no Docker. Embedded Postgres with the
// platform bootstrap and every migration applied by the real Supabase CLI,
// the simulators, every edge function served by Deno, and the cron driver.
// Data persists under .local/ between runs; Ctrl-C stops every part.
import { join } from "node:path";
import postgres from "postgres";
import { localConfig } from "./config.ts";
import { startCronDriver } from "./cron-driver.ts";
import { startLocalStack } from "./local-env.ts";
import { assertPortFree } from "./ports.ts";
import { applyMigrations, applyPlatformBootstrap, repoRoot, startPostgres } from "./postgres.ts";

const log = (part: string, line: string) =>
  console.log(`${new Date().toISOString().slice(11, 19)} ${part.padEnd(9)} ${line}`);
const config = localConfig();
const stops: (() => Promise<unknown> | unknown)[] = [];

async function main() {
  const wanted: [number, string][] = [
    [config.ports.postgres, "Postgres (DB_PORT)"],
    [config.ports.functions, "edge functions (FUNCTIONS_PORT)"],
  ];
  if (config.useSim("braze")) wanted.push([config.ports.braze, "Braze simulator (BRAZE_SIM_PORT)"]);
  if (config.useSim("football")) wanted.push([config.ports.football, "football-data simulator (FOOTBALL_SIM_PORT)"]);
  if (config.useSim("translator")) {
    wanted.push([config.ports.translator, "translator simulator (TRANSLATOR_SIM_PORT)"]);
  }
  if (config.useSim("gotrue")) wanted.push([config.ports.gotrue, "Auth admin simulator (GOTRUE_SIM_PORT)"]);
  if (config.useSim("resend")) wanted.push([config.ports.resend, "Resend simulator (RESEND_SIM_PORT)"]);
  for (const [port, what] of wanted) await assertPortFree(port, what);

  const pg = await startPostgres({
    dataDir: join(repoRoot, config.dataDir),
    port: config.ports.postgres,
    persistent: true,
  });
  stops.unshift(() => pg.stop());
  await applyPlatformBootstrap(config.databaseUrl);
  const migrated = await applyMigrations(config.databaseUrl);
  log("postgres", `${config.databaseUrl} (data in ${config.dataDir}/)`);
  const applied = migrated.split("\n").filter((l) => /Applying/.test(l));
  log("migrate", applied.length ? `applied ${applied.length} migration(s) with the Supabase CLI` : "up to date");

  const stack = await startLocalStack({
    databaseUrl: config.databaseUrl,
    ports: config.ports,
    env: config.envOverrides,
    onLine: (line) => log("functions", line),
  });
  stops.unshift(() => stack.close());
  const { braze, football, translator, gotrue, resend } = stack.sims;
  log(
    "braze",
    braze ? `simulator on ${braze.url} (state: ${braze.url}/_sim/state)` : `real Braze at ${stack.env.BRAZE_REST_URL}`,
  );
  log(
    "football",
    football
      ? `simulator on ${football.url} with a week of fixtures (${football.url}/_sim/matches)`
      : `real football-data at ${stack.env.FOOTBALL_DATA_URL}`,
  );
  log(
    "translate",
    translator
      ? `DeepL-shaped simulator on ${translator.url} (locales ${stack.env.BRAZE_LOCALES})`
      : `DeepL at ${stack.env.DEEPL_API_URL}`,
  );
  log("auth", gotrue ? `GoTrue admin simulator on ${gotrue.url}` : `Auth admin at ${stack.env.AUTH_ADMIN_URL}`);
  log(
    "resend",
    resend ? `simulator on ${resend.url} (state: ${resend.url}/_sim/state)` : `Resend at ${stack.env.RESEND_API_URL}`,
  );
  const functionsUrl = stack.functions!.baseUrl;
  log("functions", functionsUrl);

  const sql = postgres(config.databaseUrl, { max: 2, onnotice: () => {} });
  stops.unshift(() => sql.end({ timeout: 2 }));
  const cron = await startCronDriver({
    sql,
    functionsUrl,
    cronSecret: stack.env.CRON_SECRET!,
    log: (line) => log("cron", line),
  });
  stops.unshift(() => cron.stop());
  log("cron", `driving ${cron.names.join(", ")}`);
  log(
    "ready",
    `try: curl -X POST -H 'Authorization: Bearer ${stack.env.CRON_SECRET}' ${functionsUrl}/braze-scheduler`,
  );
  // A first run now, so the stack has schedules without waiting for the tick.
  await cron.trigger("braze-scheduler");
}

let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  log("stop", "stopping every part");
  for (const stop of stops) {
    try {
      await stop();
    } catch (e) {
      log("stop", (e as Error).message);
    }
  }
  process.exit(code);
}

process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
main().catch((e) => {
  console.error(`\nnpm start failed: ${(e as Error).message}`);
  void stopAll(1);
});
