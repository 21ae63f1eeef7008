// broadcasts-resolve: POST {} by Supabase Cron (Bearer CRON_SECRET) or an
// operator. Finishes or rolls back every broadcast stuck in flight or
// uncertain past the grace period, with its stored idempotency key; 200 with
// what it did per row; 409 while another resolver run holds the lease.
import { handler } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { broadcastsFromEnv } from "../../../src/shared/jobs/broadcasts/env.ts";
import { runBroadcastResolver } from "../../../src/shared/jobs/broadcasts/resolve.ts";

export default handler({
  callers: ["cron", "service_role"],
  config: () => broadcastsFromEnv(),
  run: async ({ config, runLabel }) => json(200, await runBroadcastResolver(config.ports, config.resolver, runLabel)),
});
