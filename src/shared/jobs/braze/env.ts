// The environment both Braze jobs read: how to reach Braze and which
// campaign. Bounds live here, next to each variable, so an out-of-range value
// is refused by name (a SettingsError) before anything is built from it.
import { z } from "zod";
import { dbEnv, flag, httpUrl, intIn, leaseTtlSeconds, optional, secret, timeoutMs } from "../../config.ts";
import { type BrazeClient, createBrazeClient } from "../../providers/braze/client.ts";

export const brazeEnvSchema = z.object({
  ...dbEnv,
  BRAZE_REST_URL: httpUrl,
  BRAZE_API_KEY: secret(),
  /** Per-request timeout; a create still unanswered then is recorded as uncertain. */
  BRAZE_TIMEOUT_MS: optional(timeoutMs),
  /** Braze's limit for broadcast schedule creates; 0 turns pacing off. */
  BRAZE_CREATES_PER_MINUTE: optional(intIn(0, 100_000)),
  BRAZE_CAMPAIGN_ID: z.string().min(1).max(200),
  BRAZE_LEASE_TTL_SECONDS: optional(leaseTtlSeconds),
  BRAZE_CONCURRENCY: optional(intIn(1, 64)),
  // Braze's documented /messages/scheduled_broadcasts may not show
  // API-triggered schedules; trusting an incomplete listing would re-create
  // schedules that exist. Off unless the listing is known to show them. Both
  // jobs read it: reconcile to look creates up, the scheduler to know that
  // nothing else will resolve an unknown create.
  BRAZE_LISTING: flag.default(false),
});

export type BrazeEnv = z.infer<typeof brazeEnvSchema>;

export function brazeClientFrom(env: BrazeEnv): BrazeClient {
  return createBrazeClient({
    baseUrl: env.BRAZE_REST_URL,
    apiKey: env.BRAZE_API_KEY,
    timeoutMs: env.BRAZE_TIMEOUT_MS,
    createsPerMinute: env.BRAZE_CREATES_PER_MINUTE,
  });
}

/**
 * A Braze job's configuration for one run: `config` (settings, database and
 * feed clients) is built once per isolate, the Braze client (and so its create
 * pacer) fresh here for every run. The pacer learns what is left from Braze's
 * X-RateLimit-Remaining/-Reset on the run's own answers; carried across runs
 * it would keep judging an old reset time (Braze's clock) against this
 * function's clock. `adapt` narrows the client to what the job may use.
 */
export function withRunBrazeClient<T extends { env: BrazeEnv; ports: object }, B = BrazeClient>(
  config: T,
  adapt: (client: BrazeClient, env: T["env"]) => B = (client) => client as B,
): Omit<T, "ports"> & { ports: T["ports"] & { braze: B } } {
  return { ...config, ports: { ...config.ports, braze: adapt(brazeClientFrom(config.env), config.env) } };
}
