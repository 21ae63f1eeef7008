// broadcasts-resolve under hostile input: with broadcasts in place, no request
// without the cron secret, and no body other than {} with it, gets anything
// but a 4xx, takes the resolver's lease, touches a broadcast, or reaches the
// email provider.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type BroadcastStack, CRON_SECRET, startBroadcastStack } from "../e2e/broadcasts/stack.ts";
import { assertRefusesAll, fuzzRuns } from "./fuzz.ts";
import { serviceEndpointAttempts } from "./service-endpoint.ts";

let s: BroadcastStack;
beforeAll(async () => {
  s = await startBroadcastStack();
  await s.createBroadcast("Draft to protect");
});
afterAll(() => s?.close());

it("refuses every malformed or unauthenticated request, and changes nothing", async () => {
  const sent = await assertRefusesAll({
    endpoint: "broadcasts-resolve",
    url: s.fns.url("broadcasts-resolve"),
    sql: s.t.sql,
    attempts: await serviceEndpointAttempts([CRON_SECRET]),
    numRuns: 75,
    outside: async () => (await s.simClient.state()).calls.length,
  });
  expect(sent).toBeGreaterThanOrEqual(fuzzRuns(75) * 4);
});
