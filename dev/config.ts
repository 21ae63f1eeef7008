// `npm start`'s settings: the fixed ports (each movable with its *_PORT
// variable), where the data lives, and the functions' environment overrides
// taken from this process's environment. A service's URL there (BRAZE_REST_URL,
// FOOTBALL_DATA_URL, DEEPL_API_URL, AUTH_ADMIN_URL, RESEND_API_URL) points the
// stack at the real service instead of starting its simulator (dev/local-env.ts).
import { LOCAL_ENV_NAMES, LOCAL_PORTS, localFunctionEnv, SERVICE_URL_VARS } from "./local-env.ts";

const port = (name: string, fallback: number) => Number(process.env[name] || fallback);

export function localConfig() {
  const ports = {
    functions: port("FUNCTIONS_PORT", LOCAL_PORTS.functions),
    postgres: port("DB_PORT", LOCAL_PORTS.postgres),
    braze: port("BRAZE_SIM_PORT", LOCAL_PORTS.braze),
    football: port("FOOTBALL_SIM_PORT", LOCAL_PORTS.football),
    translator: port("TRANSLATOR_SIM_PORT", LOCAL_PORTS.translator),
    gotrue: port("GOTRUE_SIM_PORT", LOCAL_PORTS.gotrue),
    resend: port("RESEND_SIM_PORT", LOCAL_PORTS.resend),
  };
  const envOverrides: Record<string, string | undefined> = {};
  for (const name of LOCAL_ENV_NAMES) envOverrides[name] = process.env[name];
  // The functions talk to this stack's own Postgres.
  delete envOverrides.SUPABASE_DB_URL;
  const databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${ports.postgres}/postgres`;
  const sim = (port: number) => `http://127.0.0.1:${port}`;
  return {
    ports,
    dataDir: process.env.LOCAL_DATA_DIR || ".local/db",
    databaseUrl,
    envOverrides,
    /** Whether the stack starts a service's simulator (its URL variable unset) or talks to the real one. */
    useSim: (service: keyof typeof SERVICE_URL_VARS) => !envOverrides[SERVICE_URL_VARS[service]],
    /** The environment `npm start` serves the functions with. */
    functionEnv: localFunctionEnv({
      databaseUrl,
      projectUrl: sim(ports.functions),
      services: {
        braze: envOverrides.BRAZE_REST_URL || sim(ports.braze),
        football: envOverrides.FOOTBALL_DATA_URL || sim(ports.football),
        translator: envOverrides.DEEPL_API_URL || sim(ports.translator),
        gotrue: envOverrides.AUTH_ADMIN_URL || sim(ports.gotrue),
        resend: envOverrides.RESEND_API_URL || sim(ports.resend),
      },
      overrides: envOverrides,
    }),
  };
}
