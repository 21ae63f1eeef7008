import fc from "fast-check";
import { expect, it } from "vitest";
import { opsStatusHandler } from "../../../src/shared/jobs/ops-status/http.ts";
import type { Db } from "../../../src/shared/ports.ts";
import { snapshot } from "./fixtures.ts";

const secrets = { cronSecret: "cron-secret-of-sixteen+", serviceRoleKey: "service-role-key" };
const near = fc.constantFrom(secrets.cronSecret, secrets.serviceRoleKey).chain((s) =>
  fc.oneof(
    fc.constant(s.slice(0, -1)),
    fc.constant(s + "x"),
    fc.constant(s.toUpperCase()),
    fc.constant(` ${s}x`),
    fc.constant(`${s}\u0000`),
    fc.constant(encodeURIComponent(s) + "%00"),
  )
);
const token = fc.oneof(
  near,
  fc.string({ maxLength: 64 }),
  fc.string({ minLength: 5000, maxLength: 20000 }),
  fc.constant("' or 1=1 --"),
);

it("never answers 200 or 5xx without the secret, and never reads the database then", async () => {
  let tried = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
      fc.option(token),
      // The exact secrets too: in the URL they must open nothing.
      fc.option(fc.oneof(token, fc.constantFrom(secrets.cronSecret, secrets.serviceRoleKey))),
      fc.constantFrom("Bearer ", "bearer ", "Basic ", "", "Bearer\t"),
      fc.constantFrom("token", "key", "Token", "access_token"),
      async (method, headerToken, queryToken, scheme, param) => {
        tried++;
        const calls: string[] = [];
        const db: Db = { rpc: async <T>(fn: string) => (calls.push(fn), snapshot() as T) };
        const { fetch: handle } = opsStatusHandler({
          ports: () => ({ db }),
          auth: () => ({ ...secrets, corsOrigins: [] }),
          log: () => {},
        });
        const url = new URL("http://127.0.0.1/functions/v1/ops-status");
        if (queryToken !== null) url.searchParams.set(param, queryToken);
        const headers = new Headers();
        try {
          if (headerToken !== null) headers.set("authorization", scheme + headerToken);
        } catch {
          return; // not a header value fetch can even send
        }
        const res = await handle(new Request(url, { method, headers }));
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(calls).toEqual([]);
      },
    ),
    { numRuns: 400 },
  );
  console.log(`ops-status: ${tried} requests without the secret tried`);
});
