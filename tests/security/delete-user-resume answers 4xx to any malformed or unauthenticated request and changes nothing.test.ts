// delete-user-resume under hostile input: with users, their calendars and
// email contacts in place, no request without the cron secret or service-role
// key, and no body other than {} with one, gets anything but a 4xx, takes the
// resumer's lease, or reaches Supabase Auth or the email provider.
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertRefusesAll, fuzzRuns } from "./fuzz.ts";
import { serviceEndpointAttempts } from "./service-endpoint.ts";
import { CRON_SECRET, SERVICE_ROLE_KEY, startDeleteUserStack } from "./stack.ts";

let stack: Awaited<ReturnType<typeof startDeleteUserStack>>;
beforeAll(async () => {
  stack = await startDeleteUserStack();
});
afterAll(() => stack?.close());

it("refuses every malformed or unauthenticated request, and changes nothing", async () => {
  const sent = await assertRefusesAll({
    endpoint: "delete-user-resume",
    url: stack.url("delete-user-resume"),
    sql: stack.sql,
    attempts: await serviceEndpointAttempts([CRON_SECRET, SERVICE_ROLE_KEY]),
    numRuns: 75,
    outside: stack.outside,
  });
  expect(sent).toBeGreaterThanOrEqual(fuzzRuns(75) * 4);
});
