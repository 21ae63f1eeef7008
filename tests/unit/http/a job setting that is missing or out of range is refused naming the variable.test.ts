// Every job's settings go through perIsolate with the shared blocks of
// src/shared/config.ts, so whatever is wrong (a value out of its bounds, a
// variable one adapter needs and the other does not, a variable only one job
// needs) is a SettingsError that names the variable and never repeats a value:
// the handler answers it as a 500 whose body an operator can act on.
import { expect, test } from "vitest";
import { SettingsError } from "../../../src/shared/config.ts";
import { broadcastEditorsFromEnv, broadcastsFromEnv } from "../../../src/shared/jobs/broadcasts/env.ts";
import { calendarSyncFromEnv } from "../../../src/shared/jobs/calendar-sync/env.ts";
import { deleteUserFromEnv } from "../../../src/shared/jobs/delete-user/env.ts";
import { webhookFromEnv } from "../../../src/shared/jobs/resend-webhook/env.ts";

const SECRET = "value-that-must-not-leak";
const rest = { DB_ADAPTER: "rest", SUPABASE_URL: "http://127.0.0.1:1", SUPABASE_SERVICE_ROLE_KEY: SECRET };
const resend = { RESEND_API_KEY: SECRET, RESEND_FROM: "News <news@example.test>" };
const webhookSecret = "whsec_bG9jYWwtcmVzZW5kLXdlYmhvb2stc2VjcmV0LWtleSE=";

const refusal = (load: () => unknown) => {
  try {
    load();
  } catch (e) {
    return e;
  }
  return null;
};

test.each([
  [
    "calendar-sync, the limit above the database's",
    () => calendarSyncFromEnv({ ...rest, CALENDAR_SYNC_MAX_CALENDARS: "5000" }),
    ["CALENDAR_SYNC_MAX_CALENDARS"],
  ],
  [
    "calendar-sync, the direct adapter without its connection string",
    () => calendarSyncFromEnv({ DB_ADAPTER: "direct" }),
    ["SUPABASE_DB_URL"],
  ],
  [
    "calendar-sync, the rest adapter without the service-role key",
    () => calendarSyncFromEnv({ DB_ADAPTER: "rest", SUPABASE_URL: "http://127.0.0.1:1" }),
    ["SUPABASE_SERVICE_ROLE_KEY"],
  ],
  [
    "broadcasts-resolve, a batch of zero",
    () => broadcastsFromEnv({ ...rest, ...resend, BROADCASTS_RESOLVE_BATCH: "0" }),
    ["BROADCASTS_RESOLVE_BATCH"],
  ],
  [
    "broadcasts, a Resend timeout of two minutes and more",
    () => broadcastEditorsFromEnv({ ...rest, ...resend, RESEND_TIMEOUT_MS: "120001" }),
    ["RESEND_TIMEOUT_MS"],
  ],
  [
    "delete-user, no service-role key for the Auth admin API",
    () =>
      deleteUserFromEnv({
        DB_ADAPTER: "direct",
        SUPABASE_DB_URL: "postgres://x",
        SUPABASE_URL: "http://127.0.0.1:1",
        ...resend,
      }),
    [
      "SUPABASE_SERVICE_ROLE_KEY",
    ],
  ],
  [
    "delete-user, no address for the Auth admin API",
    () =>
      deleteUserFromEnv({
        DB_ADAPTER: "direct",
        SUPABASE_DB_URL: "postgres://x",
        SUPABASE_SERVICE_ROLE_KEY: SECRET,
        ...resend,
      }),
    [
      "AUTH_ADMIN_URL",
    ],
  ],
  [
    "resend-webhook, a previous secret that is not a Svix secret",
    () => webhookFromEnv({ ...rest, RESEND_WEBHOOK_SECRET: webhookSecret, RESEND_WEBHOOK_SECRET_PREVIOUS: SECRET }),
    [
      "RESEND_WEBHOOK_SECRET_PREVIOUS",
    ],
  ],
])("%s is refused naming the variable", (_what, load, variables) => {
  const e = refusal(load);
  expect(e).toBeInstanceOf(SettingsError);
  expect((e as SettingsError).variables).toEqual(variables);
  expect((e as Error).message).not.toContain(SECRET);
});
