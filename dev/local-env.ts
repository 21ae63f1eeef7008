// One builder for every local environment: `npm start` (dev/config.ts,
// dev/start.ts), every test stack and the benchmarks. Given a database and the
// ports (0 or absent: any free port), it starts a simulator for each outside
// service the environment does not point elsewhere, serves every edge function
// with Deno, and hands back the function environment it served them with, so a
// test can run a core in its own process with exactly the served settings.
// The local defaults below are the ones the README's configuration table lists;
// a simulator's API key is the one the functions are given, so the two cannot drift.
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { LOCAL_SECRETS } from "./local-secrets.ts";
import { LOCAL_ISSUER } from "./mint-token.ts";
import { freePort } from "./ports.ts";
import { applyMigrations, applyPlatformBootstrap, repoRoot, startPostgres } from "./postgres.ts";
import { type BrazeSimulator, type BrazeSimulatorOptions, startBrazeSimulator } from "./sim/braze.ts";
import {
  type FootballDataSimulator,
  type FootballDataSimulatorOptions,
  startFootballDataSimulator,
} from "./sim/football-data.ts";
import { type GoTrueSimulator, type GoTrueSimulatorOptions, startGoTrueSimulator } from "./sim/gotrue.ts";
import { type ResendSimulator, startResendSimulator } from "./sim/resend.ts";
import { startTranslatorSimulator } from "./sim/translator.ts";

/** `npm start`'s fixed ports (each movable with its *_PORT variable, see dev/config.ts). */
export const LOCAL_PORTS = {
  functions: 54321,
  postgres: 54322,
  braze: 54340,
  football: 54341,
  translator: 54342,
  gotrue: 54343,
  resend: 54344,
} as const;

export { LOCAL_SECRETS };

/** The outside services, each with the variable that points the functions at it. */
export const SERVICE_URL_VARS = {
  braze: "BRAZE_REST_URL",
  football: "FOOTBALL_DATA_URL",
  translator: "DEEPL_API_URL",
  gotrue: "AUTH_ADMIN_URL",
  resend: "RESEND_API_URL",
} as const;
export type Service = keyof typeof SERVICE_URL_VARS;

type Overrides = Record<string, string | undefined>;

/**
 * The edge functions' environment: the local defaults, then `overrides` (a
 * value that is undefined or empty counts as not given).
 */
export function localFunctionEnv(input: {
  databaseUrl: string;
  /** SUPABASE_URL: where the functions are served, without /functions/v1. */
  projectUrl: string;
  /** Where each outside service answers: its simulator, or the real service. */
  services: Record<Service, string>;
  overrides?: Overrides;
}): Record<string, string> {
  const s = input.services;
  const env: Record<string, string> = {
    CRON_SECRET: LOCAL_SECRETS.cron,
    SUPABASE_SERVICE_ROLE_KEY: LOCAL_SECRETS.serviceRole,
    SUPABASE_ANON_KEY: LOCAL_SECRETS.anon,
    SUPABASE_URL: input.projectUrl,
    SUPABASE_DB_URL: input.databaseUrl,
    DB_ADAPTER: "direct",
    BRAZE_REST_URL: s.braze,
    BRAZE_API_KEY: "local-braze-key",
    BRAZE_CAMPAIGN_ID: "local-match-campaign",
    BRAZE_GUARD_SECRET: LOCAL_SECRETS.brazeGuard,
    // Production mode locally too: Braze's listing shows no API-triggered
    // schedules, and the simulator by default lists none either.
    BRAZE_LISTING: "false",
    FOOTBALL_DATA_URL: s.football,
    FOOTBALL_DATA_TOKEN: "local-football-token",
    FOOTBALL_COMPETITIONS: "PL,PD",
    BRAZE_LOCALES: "en,de,es",
    DEEPL_API_URL: s.translator,
    DEEPL_API_KEY: "local-deepl-key",
    RESEND_API_URL: s.resend,
    RESEND_API_KEY: "re_local_key",
    RESEND_FROM: "News <news@example.test>",
    RESEND_AUDIENCE_ID: "aud_members",
    RESEND_WEBHOOK_SECRET: LOCAL_SECRETS.resendWebhook,
    AUTH_ADMIN_URL: s.gotrue,
    // User tokens: the Auth simulator publishes the JWKS and answers
    // /auth/v1/user; tokens carry the issuer dev/mint-token.ts writes.
    AUTH_URL: s.gotrue,
    AUTH_JWT_ISSUER: LOCAL_ISSUER,
    CORS_ALLOWED_ORIGINS: "",
  };
  for (const [name, value] of Object.entries(input.overrides ?? {})) {
    if (value !== undefined && value !== "") env[name] = value;
  }
  return env;
}

/** The names localFunctionEnv sets, so `npm start` can take exactly those from its own environment. */
export const LOCAL_ENV_NAMES: readonly string[] = Object.keys(
  localFunctionEnv({
    databaseUrl: "",
    projectUrl: "",
    services: { braze: "", football: "", translator: "", gotrue: "", resend: "" },
  }),
);

export interface ServedFunctions {
  /** http://127.0.0.1:<port>/functions/v1 */
  baseUrl: string;
  url(name: string): string;
  /** Everything the server printed so far. */
  output(): string;
  close(): Promise<void>;
}

/**
 * Every function under supabase/functions/, served by dev/functions-server.ts
 * under the pinned Deno, with `env` over this process's environment.
 * Resolves once the server says it is ready; each other line goes to `onLine`.
 */
export async function serveFunctions(options: {
  port?: number;
  env: Record<string, string>;
  onLine?: (line: string) => void;
}): Promise<ServedFunctions> {
  const port = options.port || await freePort();
  const child: ChildProcess = spawn(join(repoRoot, "node_modules/.bin/deno"), [
    "run",
    "--allow-all",
    "--quiet",
    "dev/functions-server.ts",
    "--port",
    String(port),
    "--exit-with-parent",
  ], {
    cwd: repoRoot,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...options.env },
    stdio: ["pipe", "pipe", "pipe"], // stdin: see --exit-with-parent
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`functions did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        if (line.includes("functions ready")) {
          clearTimeout(timer);
          resolve();
        } else options.onLine?.(line);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the functions server exited with code ${code}:\n${output}`));
    });
  });
  const baseUrl = `http://127.0.0.1:${port}/functions/v1`;
  return {
    baseUrl,
    url: (name) => `${baseUrl}/${name}`,
    output: () => output,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Steps to undo in reverse; run() is safe after a partial start and a second time. */
function undoList() {
  const steps: (() => Promise<unknown> | unknown)[] = [];
  let done = false;
  return {
    push: (step: () => Promise<unknown> | unknown) => steps.push(step),
    async run() {
      if (done) return;
      done = true;
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (e) {
          console.error(`cleanup: ${(e as Error).message}`);
        }
      }
    },
  };
}

export interface LocalStackOptions {
  databaseUrl: string;
  /** Fixed ports; a part left out (or 0) gets a free one. */
  ports?: Partial<Record<"functions" | Service, number>>;
  /** Over the local defaults. A service's URL here (BRAZE_REST_URL, ...) means its simulator is not started. */
  env?: Overrides;
  /** Options for the simulators besides port and key (those come from `ports` and the function env). */
  simulators?: {
    braze?: Omit<BrazeSimulatorOptions, "port" | "apiKey">;
    football?: Omit<FootballDataSimulatorOptions, "port" | "token">;
    gotrue?: Omit<GoTrueSimulatorOptions, "port" | "serviceRoleKey">;
  };
  /** Serve the edge functions (default); false for a stack of simulators only (benchmarks of a core). */
  serve?: boolean;
  /** Each line the functions server prints besides its ready line. */
  onLine?: (line: string) => void;
}

export interface LocalStack {
  /** The environment the functions are served with. */
  env: Record<string, string>;
  /** SUPABASE_URL of the stack. */
  projectUrl: string;
  /** The served functions; undefined when started with serve: false. */
  functions?: ServedFunctions;
  /** A served function's URL. */
  url(name: string): string;
  /** The simulators started (none for a service the environment points elsewhere). */
  sims: {
    braze?: BrazeSimulator;
    football?: FootballDataSimulator;
    translator?: Awaited<ReturnType<typeof startTranslatorSimulator>>;
    gotrue?: GoTrueSimulator;
    resend?: ResendSimulator;
  };
  close(): Promise<void>;
}

/** The simulators and the served functions over an already migrated database. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const undo = undoList();
  try {
    const serve = options.serve !== false;
    const functionsPort = options.ports?.functions || await freePort();
    const projectUrl = `http://127.0.0.1:${functionsPort}`;
    const given = (service: Service) => options.env?.[SERVICE_URL_VARS[service]];
    const build = (services: Record<Service, string>) =>
      localFunctionEnv({ databaseUrl: options.databaseUrl, projectUrl, services, overrides: options.env });
    // Keys first: each simulator is started with the key the functions will send.
    const keys = build({ braze: "", football: "", translator: "", gotrue: "", resend: "" });
    const port = (service: Service) => options.ports?.[service] ?? 0;
    const sims: LocalStack["sims"] = {};
    const started = <T extends { url: string; close(): Promise<void> }>(sim: T): T => {
      undo.push(() => sim.close());
      return sim;
    };
    if (!given("braze")) {
      sims.braze = started(
        await startBrazeSimulator({
          // With the functions served, each fired push asks the delivery guard
          // first, as the campaign's Connected Content does on Braze.
          ...(serve
            ? { sendGuard: { url: `${projectUrl}/functions/v1/braze-send-guard`, secret: keys.BRAZE_GUARD_SECRET! } }
            : {}),
          ...options.simulators?.braze,
          port: port("braze"),
          apiKey: keys.BRAZE_API_KEY,
        }),
      );
    }
    if (!given("football")) {
      sims.football = started(
        await startFootballDataSimulator({
          ...options.simulators?.football,
          port: port("football"),
          token: keys.FOOTBALL_DATA_TOKEN,
        }),
      );
    }
    if (!given("translator")) {
      sims.translator = started(
        await startTranslatorSimulator({ port: port("translator"), apiKey: keys.DEEPL_API_KEY }),
      );
    }
    if (!given("gotrue")) {
      sims.gotrue = started(
        await startGoTrueSimulator({
          ...options.simulators?.gotrue,
          port: port("gotrue"),
          serviceRoleKey: keys.SUPABASE_SERVICE_ROLE_KEY,
        }),
      );
    }
    if (!given("resend")) {
      sims.resend = started(await startResendSimulator({ port: port("resend"), apiKey: keys.RESEND_API_KEY }));
    }
    const env = build({
      braze: sims.braze?.url ?? given("braze")!,
      football: sims.football?.url ?? given("football")!,
      translator: sims.translator?.url ?? given("translator")!,
      gotrue: sims.gotrue?.url ?? given("gotrue")!,
      resend: sims.resend?.url ?? given("resend")!,
    });
    let functions: ServedFunctions | undefined;
    if (serve) {
      functions = await serveFunctions({ port: functionsPort, env, onLine: options.onLine });
      undo.push(() => functions!.close());
    }
    return {
      env,
      projectUrl,
      functions,
      url: (name) => `${projectUrl}/functions/v1/${name}`,
      sims,
      close: () => undo.run(),
    };
  } catch (e) {
    await undo.run();
    throw e;
  }
}

export interface ThrowawayPostgres {
  /** The migrated database's connection string. */
  url: string;
  port: number;
  /** The temporary directory (the cluster's data is in data/ below it); removed by stop(). */
  dir: string;
  /** The server's own database (postgres), for creating others. */
  adminUrl: string;
  /** Another database on the same server. */
  urlOf(database: string): string;
  stop(): Promise<void>;
}

/**
 * An embedded Postgres in a temporary directory, with the platform bootstrap
 * and every migration applied (by the Supabase CLI) to `database` (default
 * postgres); stop() removes it all.
 */
export async function startThrowawayPostgres(
  options: { label: string; database?: string },
): Promise<ThrowawayPostgres> {
  const undo = undoList();
  try {
    const dir = await mkdtemp(join(tmpdir(), `${options.label}-`));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    await chmod(dir, 0o755); // the cluster runs as the unprivileged postgres OS user when we are root
    const pg = await startPostgres({ dataDir: join(dir, "data"), port: await freePort(), persistent: false });
    undo.push(() => pg.stop());
    if (options.database) {
      const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`create database ${options.database}`);
      } finally {
        await admin.end();
      }
    }
    const url = pg.url(options.database);
    await applyPlatformBootstrap(url);
    await applyMigrations(url);
    return {
      url,
      port: pg.port,
      dir,
      adminUrl: pg.url(),
      urlOf: (database) => pg.url(database),
      stop: () => undo.run(),
    };
  } catch (e) {
    await undo.run();
    throw e;
  }
}
