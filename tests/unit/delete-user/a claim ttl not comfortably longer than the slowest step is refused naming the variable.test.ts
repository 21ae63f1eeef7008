// A saga's claim is renewed only when a step is recorded. If one step can run
// longer than the claim, another run takes the saga while the first one's
// outside call may still land; so the settings refuse such a claim TTL, with
// an error that names the variable (and no value of any secret).
import { expect, test } from "vitest";
import { SettingsError } from "../../../src/shared/config.ts";
import { deleteUserFromEnv } from "../../../src/shared/jobs/delete-user/env.ts";

const base = {
  CRON_SECRET: "local-cron-secret-0123456789",
  SUPABASE_SERVICE_ROLE_KEY: "service-role-key-that-must-not-leak",
  SUPABASE_URL: "http://127.0.0.1:1",
  DB_ADAPTER: "rest",
  RESEND_API_KEY: "re_secret_that_must_not_leak",
};

const refusal = (env: Record<string, string>) => {
  try {
    deleteUserFromEnv({ ...base, ...env });
  } catch (e) {
    return e;
  }
  return null;
};

test("the defaults are accepted", () => {
  expect(refusal({})).toBeNull();
});

test.each([
  ["a claim as long as one Auth timeout", { DELETE_USER_CLAIM_TTL_SECONDS: "10" }],
  ["a claim shorter than twice the block step (two Auth calls of 60 s)", {
    AUTH_ADMIN_TIMEOUT_MS: "60000",
    DELETE_USER_CLAIM_TTL_SECONDS: "200",
  }],
  ["the default claim with Resend calls that may take 10 attempts of 30 s", {
    RESEND_TIMEOUT_MS: "30000",
    RESEND_MAX_ATTEMPTS: "10",
  }],
])("%s is refused naming DELETE_USER_CLAIM_TTL_SECONDS", (_what, env) => {
  const e = refusal(env);
  expect(e).toBeInstanceOf(SettingsError);
  expect((e as SettingsError).variables).toEqual(["DELETE_USER_CLAIM_TTL_SECONDS"]);
  expect((e as Error).message).toMatch(
    /DELETE_USER_CLAIM_TTL_SECONDS \(must be at least 2 times the slowest step's worst case/,
  );
  expect((e as Error).message).not.toMatch(/must-not-leak/);
});
