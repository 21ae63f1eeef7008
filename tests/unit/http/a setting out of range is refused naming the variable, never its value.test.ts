// perIsolate + the shared zod blocks: a bad environment is a SettingsError
// (500) naming each variable at fault and what is expected, never the value;
// a good one is built once per isolate, whatever the number of calls.
import { expect, it } from "vitest";
import { z } from "zod";
import { intIn, perIsolate, secret, SettingsError } from "../../../src/shared/config.ts";
import { errorResponse } from "../../../src/shared/http/respond.ts";

const schema = z.object({ LEAD_MINUTES: intIn(0, 720), API_KEY: secret(8) });

it("names LEAD_MINUTES and API_KEY, not their values, and builds a good environment once", async () => {
  let builds = 0;
  const load = perIsolate(schema, (env) => ({ built: ++builds, ...env }));
  let error: unknown;
  try {
    load({ LEAD_MINUTES: "99999", API_KEY: "sk_lv" });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SettingsError);
  const res = errorResponse(error, () => {});
  expect(res.status).toBe(500);
  const text = await res.text();
  expect(text).toContain("LEAD_MINUTES");
  expect(text).toContain("API_KEY");
  expect(text).not.toContain("99999");
  expect(text).not.toContain("sk_lv");

  const good = { LEAD_MINUTES: "60", API_KEY: "a-long-enough-key" };
  expect(load(good)).toBe(load(good));
  expect(builds).toBe(1);
});

it("names the settings a build derives, when its own zod check fails", () => {
  const load = perIsolate(schema, () => z.object({ campaignId: z.string().min(1) }).parse({ campaignId: "" }));
  expect(() => load({ LEAD_MINUTES: "1", API_KEY: "a-long-enough-key" })).toThrow(
    /environment is missing or invalid: campaignId/,
  );
});
