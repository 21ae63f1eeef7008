// braze-reconcile under hostile input: with a ledger and Braze schedules in
// place, no request without the cron secret or service-role key, and no body
// other than {} with one, gets anything but a 4xx, touches the ledger, leases
// or run history, or reaches Braze.
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertRefusesAll, fuzzRuns } from "./fuzz.ts";
import { serviceEndpointAttempts } from "./service-endpoint.ts";
import { CRON_SECRET, SERVICE_ROLE_KEY, startBrazeStack } from "./stack.ts";

let stack: Awaited<ReturnType<typeof startBrazeStack>>;
beforeAll(async () => {
  stack = await startBrazeStack();
});
afterAll(() => stack?.close());

it("refuses every malformed or unauthenticated request, and changes nothing", async () => {
  const sent = await assertRefusesAll({
    endpoint: "braze-reconcile",
    url: stack.url("braze-reconcile"),
    sql: stack.sql,
    attempts: await serviceEndpointAttempts([CRON_SECRET, SERVICE_ROLE_KEY]),
    numRuns: 75,
    outside: stack.brazeCalls,
  });
  expect(sent).toBeGreaterThanOrEqual(fuzzRuns(75) * 4);
});
