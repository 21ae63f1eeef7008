// A function missing one of its own settings must not tell an anonymous
// caller which one: the caller is authenticated from the auth settings alone,
// and only then is the function's configuration loaded. The operator holding
// the cron secret still gets the 500 that names the variable (never its value).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ServedFunctions } from "../support/functions.ts";
import { CRON_SECRET, serveWithAuthSettingsOnly } from "./stack.ts";

let fns: ServedFunctions;
beforeAll(async () => {
  // No Braze, football-data or Resend settings at all.
  fns = await serveWithAuthSettingsOnly();
});
afterAll(() => fns?.close());

const post = async (name: string, token?: string) => {
  const res = await fetch(fns.url(name), {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: "{}",
  });
  return { status: res.status, text: await res.text() };
};

it.each([
  "braze-scheduler",
  "braze-reconcile",
  "broadcasts-resolve",
  "delete-user-resume",
  "broadcasts",
  "delete-user",
])("%s", async (name) => {
  for (const token of [undefined, "not-the-secret"]) {
    const anonymous = await post(name, token);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toMatch(/BRAZE|FOOTBALL|RESEND|environment/);
  }
  const operator = await post(name, CRON_SECRET);
  expect(operator.status).toBe(500);
  expect(operator.text).toMatch(/environment is missing or invalid: [A-Z_]+/);
});
