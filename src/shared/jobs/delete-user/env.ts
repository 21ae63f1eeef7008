// delete-user's settings (the request and the resumer share them).
import { z } from "zod";
import {
  dbEnv,
  goDuration,
  intIn,
  leaseTtlSeconds,
  optional,
  perIsolate,
  resendConnection,
  resendEnv,
  secret,
  timeoutMs,
} from "../../config.ts";
import { dbFromEnv } from "../../db/from-env.ts";
import { createAuthAdmin } from "../../providers/auth-admin/client.ts";
import { defaultRetryTuning } from "../../providers/http.ts";
import { createResendContacts } from "../../providers/resend/client.ts";
import type { ResumeSettings } from "./run.ts";
import type { DeletionPorts } from "./types.ts";

export const deleteUserEnvSchema = z.object({
  ...dbEnv,
  ...resendEnv,
  // The Auth admin API acts with the service role: required here, whatever the database adapter.
  SUPABASE_SERVICE_ROLE_KEY: secret(),
  // Where GoTrue's admin API lives; defaults to SUPABASE_URL (the hosted project).
  AUTH_ADMIN_URL: optional(z.url()),
  AUTH_ADMIN_TIMEOUT_MS: timeoutMs.default(10_000),
  RESEND_AUDIENCE_ID: optional(z.string().min(1)),
  // About a hundred years: the user stays out until the deletion finishes.
  DELETE_USER_BAN_DURATION: goDuration.default("876000h"),
  DELETE_USER_CLAIM_TTL_SECONDS: intIn(1, 3600).default(300),
  DELETE_USER_BACKOFF_BASE_SECONDS: intIn(0, 86_400).default(30),
  DELETE_USER_BACKOFF_CAP_SECONDS: intIn(0, 86_400).default(3600),
  DELETE_USER_RESUME_BATCH: intIn(1, 1000).default(20),
  DELETE_USER_LEASE_TTL_SECONDS: leaseTtlSeconds.default(120),
}).superRefine((env, ctx) => {
  // Guard: the Auth admin API has an address.
  if (!env.AUTH_ADMIN_URL && !env.SUPABASE_URL) {
    ctx.addIssue({ code: "custom", path: ["AUTH_ADMIN_URL"], message: "required when SUPABASE_URL is not set" });
  }
  // Guard: a claim outlives any one step. The claim is renewed each time a
  // step is recorded; a step that runs longer than the claim lets another run
  // take the saga while this one's outside call (a ban, an unban) can still
  // land. The client timeouts bound each step, so the bound is checked here.
  const slowest = slowestStepMs(env);
  if (env.DELETE_USER_CLAIM_TTL_SECONDS * 1000 < CLAIM_MARGIN * slowest) {
    ctx.addIssue({
      code: "custom",
      path: ["DELETE_USER_CLAIM_TTL_SECONDS"],
      message: `must be at least ${CLAIM_MARGIN} times the slowest step's worst case, ${Math.ceil(slowest / 1000)} s ` +
        "(from AUTH_ADMIN_TIMEOUT_MS, RESEND_TIMEOUT_MS and RESEND_MAX_ATTEMPTS)",
    });
  }
});

/** How much longer than the slowest step a claim must be: room for the database calls around it and clock drift. */
export const CLAIM_MARGIN = 2;
/** The longest a Resend 429 may make the contact step wait before one retry; longer asks fail the step (retried later). */
export const RESEND_RATE_LIMIT_WAIT_MS = 10_000;

/**
 * The longest one saga step can take, from the client timeouts: blocking is
 * two Auth calls (read the user, ban), the contact step up to
 * RESEND_MAX_ATTEMPTS requests with a wait between them (backoff or a 429's
 * Retry-After, whichever is capped higher), the auth delete and the unban one
 * Auth call each.
 */
export function slowestStepMs(env: {
  AUTH_ADMIN_TIMEOUT_MS: number;
  RESEND_TIMEOUT_MS: number;
  RESEND_MAX_ATTEMPTS: number;
}): number {
  const block = 2 * env.AUTH_ADMIN_TIMEOUT_MS;
  const wait = Math.max(defaultRetryTuning.maxDelayMs, RESEND_RATE_LIMIT_WAIT_MS);
  const contact = env.RESEND_MAX_ATTEMPTS * env.RESEND_TIMEOUT_MS + (env.RESEND_MAX_ATTEMPTS - 1) * wait;
  return Math.max(block, contact, env.AUTH_ADMIN_TIMEOUT_MS);
}

/** One Db and one pair of clients per isolate. */
export const deleteUserFromEnv: (
  source?: Record<string, string | undefined>,
) => { ports: DeletionPorts; settings: ResumeSettings } = perIsolate(deleteUserEnvSchema, (env) => ({
  ports: {
    db: dbFromEnv(env),
    auth: createAuthAdmin({
      url: env.AUTH_ADMIN_URL ?? env.SUPABASE_URL!,
      serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
      timeoutMs: env.AUTH_ADMIN_TIMEOUT_MS,
    }),
    contacts: createResendContacts({ ...resendConnection(env), maxRateLimitWaitMs: RESEND_RATE_LIMIT_WAIT_MS }),
  },
  settings: {
    banDuration: env.DELETE_USER_BAN_DURATION,
    claimTtlSeconds: env.DELETE_USER_CLAIM_TTL_SECONDS,
    backoffBaseSeconds: env.DELETE_USER_BACKOFF_BASE_SECONDS,
    backoffCapSeconds: Math.max(env.DELETE_USER_BACKOFF_CAP_SECONDS, env.DELETE_USER_BACKOFF_BASE_SECONDS),
    audienceId: env.RESEND_AUDIENCE_ID,
    batchSize: env.DELETE_USER_RESUME_BATCH,
    leaseTtlSeconds: env.DELETE_USER_LEASE_TTL_SECONDS,
  },
}));
