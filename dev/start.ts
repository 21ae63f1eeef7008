// `npm start`: the whole project locally, no Docker. Embedded Postgres with the
// platform bootstrap and every migration applied by the real Supabase CLI,
// the simulators, every edge function served by Deno, and the cron driver.
// Data persists under .local/ between runs; Ctrl-C stops every part.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import postgres from "postgres";
import { localConfig } from "./config.ts";
import { startCronDriver } from "./cron-driver.ts";
import { assertPortFree } from "./ports.ts";
import { applyMigrations, applyPlatformBootstrap, repoRoot, startPostgres } from "./postgres.ts";
import { startBrazeSimulator } from "./sim/braze.ts";
import { startFootballDataSimulator } from "./sim/football-data.ts";
import { startGoTrueSimulator } from "./sim/gotrue.ts";
import { startResendSimulator } from "./sim/resend.ts";
import { startTranslatorSimulator } from "./sim/translator.ts";

const log = (part: string, line: string) =>
  console.log(`${new Date().toISOString().slice(11, 19)} ${part.padEnd(9)} ${line}`);
const config = localConfig();
const stops: (() => Promise<unknown> | unknown)[] = [];

async function main() {
  const wanted: [number, string][] = [
    [config.ports.postgres, "Postgres (DB_PORT)"],
    [config.ports.functions, "edge functions (FUNCTIONS_PORT)"],
  ];
  if (config.useBrazeSim) wanted.push([config.ports.braze, "Braze simulator (BRAZE_SIM_PORT)"]);
  if (config.useFootballSim) wanted.push([config.ports.football, "football-data simulator (FOOTBALL_SIM_PORT)"]);
  if (config.useTranslatorSim) wanted.push([config.ports.translator, "translator simulator (TRANSLATOR_SIM_PORT)"]);
  if (config.useGoTrueSim) wanted.push([config.ports.gotrue, "Auth admin simulator (GOTRUE_SIM_PORT)"]);
  if (config.useResendSim) wanted.push([config.ports.resend, "Resend simulator (RESEND_SIM_PORT)"]);
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

  if (config.useBrazeSim) {
    const braze = await startBrazeSimulator({ port: config.ports.braze });
    stops.unshift(() => braze.close());
    log("braze", `simulator on ${braze.url} (state: ${braze.url}/_sim/state)`);
  } else log("braze", `real Braze at ${config.functionEnv.BRAZE_REST_URL}`);
  if (config.useFootballSim) {
    const football = await startFootballDataSimulator({ port: config.ports.football });
    stops.unshift(() => football.close());
    log("football", `simulator on ${football.url} with a week of fixtures (${football.url}/_sim/matches)`);
  } else log("football", `real football-data at ${config.functionEnv.FOOTBALL_DATA_URL}`);
  if (config.useTranslatorSim) {
    const translator = await startTranslatorSimulator({ port: config.ports.translator });
    stops.unshift(() => translator.close());
    log("translate", `DeepL-shaped simulator on ${translator.url} (locales ${config.functionEnv.BRAZE_LOCALES})`);
  }

  if (config.useGoTrueSim) {
    const gotrue = await startGoTrueSimulator({
      port: config.ports.gotrue,
      serviceRoleKey: config.functionEnv.SUPABASE_SERVICE_ROLE_KEY,
    });
    stops.unshift(() => gotrue.close());
    log("auth", `GoTrue admin simulator on ${gotrue.url}`);
  }
  if (config.useResendSim) {
    const resend = await startResendSimulator({ port: config.ports.resend, apiKey: config.functionEnv.RESEND_API_KEY });
    stops.unshift(() => resend.close());
    log("resend", `simulator on ${resend.url} (state: ${resend.url}/_sim/state)`);
  }

  const functionsUrl = `http://127.0.0.1:${config.ports.functions}/functions/v1`;
  const functions = await serveFunctions(config.ports.functions, config.functionEnv);
  stops.unshift(() => stopChild(functions));
  log("functions", functionsUrl);

  const sql = postgres(config.databaseUrl, { max: 2, onnotice: () => {} });
  stops.unshift(() => sql.end({ timeout: 2 }));
  const cron = await startCronDriver({
    sql,
    functionsUrl,
    cronSecret: config.functionEnv.CRON_SECRET!,
    log: (line) => log("cron", line),
  });
  stops.unshift(() => cron.stop());
  log("cron", `driving ${cron.names.join(", ")}`);
  log(
    "ready",
    `try: curl -X POST -H 'Authorization: Bearer ${config.functionEnv.CRON_SECRET}' ${functionsUrl}/braze-scheduler`,
  );
  // A first run now, so the stack has schedules without waiting for the tick.
  await cron.trigger("braze-scheduler");
}

function serveFunctions(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(join(repoRoot, "node_modules/.bin/deno"), [
    "run",
    "--allow-all",
    "--quiet",
    "dev/functions-server.ts",
    "--port",
    String(port),
    "--exit-with-parent",
  ], {
    cwd: repoRoot,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", ...env },
    stdio: ["pipe", "pipe", "pipe"], // stdin: see --exit-with-parent
  });
  return new Promise((resolve, reject) => {
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        if (line.includes("functions ready")) resolve(child);
        else log("functions", line);
      }
    };
    child.stdout!.on("data", onLine);
    child.stderr!.on("data", onLine);
    child.once("exit", (code) => reject(new Error(`the functions server exited with code ${code}`)));
  });
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
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
