// braze-scheduler: POST by Supabase Cron (Bearer CRON_SECRET) or an operator
// (Bearer service-role key). 200 with the run's counts; 409 when another run
// holds the campaign's lease.
import { z } from "zod";
import { requireServiceCaller } from "../../../src/shared/http/auth.ts";
import { serviceSecrets } from "../../../src/shared/http/common-env.ts";
import { postHandler } from "../../../src/shared/http/handler.ts";
import { parseJson } from "../../../src/shared/http/parse.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { schedulerFromEnv } from "../../../src/shared/jobs/braze-scheduler/env.ts";
import { runBrazeScheduler } from "../../../src/shared/jobs/braze-scheduler/run.ts";

const body = z.object({}).strict();

export default {
  fetch: postHandler(async (req) => {
    const { env, settings, ports } = schedulerFromEnv();
    const caller = requireServiceCaller(req, serviceSecrets(env));
    await parseJson(req, body);
    const outcome = await runBrazeScheduler(ports, settings, `${caller}:${crypto.randomUUID()}`);
    return json(200, outcome);
  }),
};
