// broadcasts-resolve under hostile input: with broadcasts in place, no request
// without the cron secret, and no body other than {} with it, gets anything
// but a 4xx, takes the resolver's lease, touches a broadcast, or reaches the
// email provider.
import { CRON_SECRET, startBroadcastStack } from "../e2e/broadcasts/stack.ts";
import { itRefusesAll } from "./fuzz.ts";
import { serviceEndpointAttempts } from "./service-endpoint.ts";

itRefusesAll({
  endpoint: "broadcasts-resolve",
  stack: async () => {
    const s = await startBroadcastStack();
    await s.createBroadcast("Draft to protect");
    return { ...s, url: s.fns.url, sql: s.t.sql, outside: async () => (await s.simClient.state()).calls.length };
  },
  attempts: () => serviceEndpointAttempts([CRON_SECRET]),
});
