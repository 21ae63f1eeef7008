// calendar-sync, broadcasts and delete-user answer a browser's preflight from
// an origin in CORS_ALLOWED_ORIGINS with 204 and the Access-Control-Allow-*
// headers, and carry them on every answer to that origin, errors included.
// The machine-only functions (called by Supabase Cron and operators, never by
// a browser) answer no preflight and carry no CORS header; neither does any
// function for an origin not in the list.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../../support/stack.ts";

const APP = "https://app.example.test";
const BROWSER_FACING = ["calendar-sync", "broadcasts", "delete-user"];
const MACHINE_ONLY = ["braze-scheduler", "braze-reconcile", "broadcasts-resolve", "delete-user-resume"];

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { CORS_ALLOWED_ORIGINS: APP } });
});
afterAll(() => stack?.close());

const preflight = (name: string, origin: string) =>
  fetch(stack.url(name), {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });

const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith("access-control-"));

it.each(BROWSER_FACING)(
  "%s: 204 with CORS headers for the allowed origin, and CORS headers on its 401",
  async (name) => {
    const res = await preflight(name, APP);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS");
    expect(res.headers.get("access-control-allow-headers")).toContain("authorization");
    const error = await fetch(stack.url(name), { method: "POST", headers: { origin: APP }, body: "{}" });
    expect(error.status).toBe(401);
    expect(error.headers.get("access-control-allow-origin")).toBe(APP);
  },
);

it.each(BROWSER_FACING)("%s: no CORS header for an origin not in the list", async (name) => {
  const res = await preflight(name, "https://evil.example.test");
  expect(res.status).toBe(403);
  expect(corsHeaders(res)).toEqual([]);
  const error = await fetch(stack.url(name), {
    method: "POST",
    headers: { origin: "https://evil.example.test" },
    body: "{}",
  });
  expect(corsHeaders(error)).toEqual([]);
});

it.each(MACHINE_ONLY)("%s: no preflight and no CORS header, even for the allowed origin", async (name) => {
  const res = await preflight(name, APP);
  expect(res.status).toBe(405);
  expect(corsHeaders(res)).toEqual([]);
  const error = await fetch(stack.url(name), { method: "POST", headers: { origin: APP }, body: "{}" });
  expect(error.status).toBe(401);
  expect(corsHeaders(error)).toEqual([]);
});
