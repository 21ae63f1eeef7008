// Local stack settings: fixed, documented defaults, each overridable from the
// environment, so the same stack can point at the real Braze or football-data.
const env = (name: string, fallback: string) => process.env[name] || fallback;
const port = (name: string, fallback: number) => Number(process.env[name] || fallback);

import { LOCAL_ISSUER } from "./mint-token.ts";

export function localConfig() {
  const ports = {
    functions: port("FUNCTIONS_PORT", 54321),
    postgres: port("DB_PORT", 54322),
    braze: port("BRAZE_SIM_PORT", 54340),
    football: port("FOOTBALL_SIM_PORT", 54341),
    translator: port("TRANSLATOR_SIM_PORT", 54342),
    gotrue: port("GOTRUE_SIM_PORT", 54343),
    resend: port("RESEND_SIM_PORT", 54344),
  };
  const databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${ports.postgres}/postgres`;
  return {
    ports,
    dataDir: env("LOCAL_DATA_DIR", ".local/db"),
    databaseUrl,
    /** Whether to start a simulator, or talk to the real service named in the environment. */
    useBrazeSim: !process.env.BRAZE_REST_URL,
    useFootballSim: !process.env.FOOTBALL_DATA_URL,
    useTranslatorSim: !process.env.DEEPL_API_URL,
    useResendSim: !process.env.RESEND_API_URL,
    useGoTrueSim: !process.env.AUTH_ADMIN_URL,
    functionEnv: {
      CRON_SECRET: env("CRON_SECRET", "local-cron-secret"),
      SUPABASE_SERVICE_ROLE_KEY: env("SUPABASE_SERVICE_ROLE_KEY", "local-service-role-key"),
      SUPABASE_ANON_KEY: env("SUPABASE_ANON_KEY", "local-anon-key"),
      SUPABASE_URL: env("SUPABASE_URL", `http://127.0.0.1:${ports.functions}`),
      SUPABASE_DB_URL: databaseUrl,
      DB_ADAPTER: "direct",
      BRAZE_REST_URL: env("BRAZE_REST_URL", `http://127.0.0.1:${ports.braze}`),
      BRAZE_API_KEY: env("BRAZE_API_KEY", "local-braze-key"),
      BRAZE_CAMPAIGN_ID: env("BRAZE_CAMPAIGN_ID", "local-match-campaign"),
      FOOTBALL_DATA_URL: env("FOOTBALL_DATA_URL", `http://127.0.0.1:${ports.football}`),
      FOOTBALL_DATA_TOKEN: env("FOOTBALL_DATA_TOKEN", "local-football-token"),
      FOOTBALL_COMPETITIONS: env("FOOTBALL_COMPETITIONS", "PL,PD"),
      BRAZE_LOCALES: env("BRAZE_LOCALES", "en,de,es"),
      DEEPL_API_URL: env("DEEPL_API_URL", `http://127.0.0.1:${ports.translator}`),
      DEEPL_API_KEY: env("DEEPL_API_KEY", "local-deepl-key"),
      // Production mode locally too: Braze's listing shows no API-triggered
      // schedules, and the simulator by default lists none either.
      BRAZE_LISTING: env("BRAZE_LISTING", "false"),
      RESEND_API_URL: env("RESEND_API_URL", `http://127.0.0.1:${ports.resend}`),
      RESEND_API_KEY: env("RESEND_API_KEY", "re_local_key"),
      RESEND_FROM: env("RESEND_FROM", "News <news@example.test>"),
      RESEND_AUDIENCE_ID: env("RESEND_AUDIENCE_ID", "aud_members"),
      AUTH_ADMIN_URL: env("AUTH_ADMIN_URL", `http://127.0.0.1:${ports.gotrue}`),
      // User tokens: the Auth simulator publishes the JWKS and answers
      // /auth/v1/user; tokens carry the issuer dev/mint-token.ts writes.
      AUTH_URL: env("AUTH_URL", env("AUTH_ADMIN_URL", `http://127.0.0.1:${ports.gotrue}`)),
      AUTH_JWT_ISSUER: env("AUTH_JWT_ISSUER", LOCAL_ISSUER),
      CORS_ALLOWED_ORIGINS: env("CORS_ALLOWED_ORIGINS", ""),
      RESEND_WEBHOOK_SECRET: env("RESEND_WEBHOOK_SECRET", "whsec_bG9jYWwtcmVzZW5kLXdlYmhvb2stc2VjcmV0LWtleSE="),
    } as Record<string, string>,
  };
}
