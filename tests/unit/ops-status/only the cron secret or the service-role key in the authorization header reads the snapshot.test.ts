import { expect, it } from "vitest";
import { opsStatusHandler } from "../../../src/shared/jobs/ops-status/http.ts";
import type { Db } from "../../../src/shared/ports.ts";
import { snapshot } from "./fixtures.ts";

const secrets = { cronSecret: "cron-secret-of-sixteen+", serviceRoleKey: "service-role-key" };
const URL_ = "http://127.0.0.1/functions/v1/ops-status";

function setup() {
  const calls: string[] = [];
  const db: Db = { rpc: async <T>(fn: string) => (calls.push(fn), snapshot() as T) };
  const logs: string[] = [];
  const { fetch: handle } = opsStatusHandler({
    ports: () => ({ db }),
    auth: () => ({ ...secrets, corsOrigins: [] }),
    log: (l) => logs.push(l),
  });
  return { calls, logs, handle };
}

it.each([
  [
    "GET with the cron secret as bearer",
    new Request(URL_, { headers: { authorization: `Bearer ${secrets.cronSecret}` } }),
  ],
  [
    "POST with the service-role key as bearer",
    new Request(URL_, { method: "POST", headers: { authorization: `Bearer ${secrets.serviceRoleKey}` } }),
  ],
])("%s: 200 with the snapshot as JSON, never cached, one snapshot read", async (_, req) => {
  const { calls, handle, logs } = setup();
  const res = await handle(req);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(await res.json()).toEqual(snapshot());
  expect(calls).toEqual(["ops_status_snapshot"]);
  expect(JSON.parse(logs[0]!)).toMatchObject({ fn: "ops-status", status: 200 });
});

it.each([
  ["no credentials", new Request(URL_)],
  ["a wrong bearer", new Request(URL_, { headers: { authorization: "Bearer cron-secret-of-sixteen" } })],
  // A secret in the URL ends up in access logs: it is not even looked at.
  ["the cron secret as ?token=", new Request(`${URL_}?token=${encodeURIComponent(secrets.cronSecret)}`)],
  [
    "the service-role key as ?token= with a wrong header",
    new Request(`${URL_}?token=${secrets.serviceRoleKey}`, { headers: { authorization: "Bearer nope" } }),
  ],
  ["the secret in another parameter", new Request(`${URL_}?key=${encodeURIComponent(secrets.cronSecret)}`)],
  [
    "a Basic header carrying the secret",
    new Request(URL_, { headers: { authorization: `Basic ${secrets.cronSecret}` } }),
  ],
])("%s: 401 and the database is not read", async (_, req) => {
  const { calls, handle } = setup();
  const res = await handle(req);
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ error: "unauthorized" });
  expect(calls).toEqual([]);
});

it("refuses other methods with 405 before reading anything", async () => {
  const { calls, handle } = setup();
  for (const method of ["PUT", "DELETE", "PATCH"]) {
    const res = await handle(new Request(URL_, { method, headers: { authorization: `Bearer ${secrets.cronSecret}` } }));
    expect(res.status).toBe(405);
  }
  expect(calls).toEqual([]);
});
