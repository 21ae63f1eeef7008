// broadcasts-resolve is called only by Cron and operators: the role that makes
// a signed-in user an editor means nothing to it, so a value that the editors'
// function refuses must not take the resolver down with it.
import { expect, test } from "vitest";
import { SettingsError } from "../../../src/shared/config.ts";
import { broadcastEditorsFromEnv, broadcastsFromEnv } from "../../../src/shared/jobs/broadcasts/env.ts";

const env = {
  DB_ADAPTER: "rest",
  SUPABASE_URL: "http://127.0.0.1:1",
  SUPABASE_SERVICE_ROLE_KEY: "service-role-key",
  RESEND_API_KEY: "re_key",
  RESEND_FROM: "News <news@example.test>",
  // Set but empty: refused by the editors' function (a role must be named).
  BROADCASTS_EDITOR_ROLE: "",
};

test("the resolver's settings load with an editor role the editors' function refuses", () => {
  expect(() => broadcastEditorsFromEnv(env)).toThrow(SettingsError);
  expect(broadcastsFromEnv(env).resolver.batchSize).toBe(50);
});
