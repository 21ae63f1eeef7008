// broadcasts-resolve: POST by Supabase Cron (Bearer CRON_SECRET) or an
// operator. Finishes or rolls back every broadcast stuck in flight or
// uncertain past the grace period, with its stored idempotency key; 200 with
// what it did per row; 409 while another resolver run holds the lease.
import { z } from "zod";
import { requireServiceCaller } from "../../../src/shared/http/auth.ts";
import { serviceSecrets } from "../../../src/shared/http/common-env.ts";
import { postHandler } from "../../../src/shared/http/handler.ts";
import { parseJson } from "../../../src/shared/http/parse.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { broadcastsFromEnv } from "../../../src/shared/jobs/broadcasts/env.ts";
import { runBroadcastResolver } from "../../../src/shared/jobs/broadcasts/resolve.ts";

const body = z.object({}).strict();

export default {
  fetch: postHandler(async (req) => {
    const { env, ports, resolver } = broadcastsFromEnv();
    const caller = requireServiceCaller(req, serviceSecrets(env));
    await parseJson(req, body);
    return json(200, await runBroadcastResolver(ports, resolver, `${caller}:${crypto.randomUUID()}`));
  }),
};
