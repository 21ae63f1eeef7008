// braze-scheduler: POST {} by Supabase Cron (Bearer CRON_SECRET) or an operator
// (Bearer service-role key). 200 with the run's counts; 409 when another run
// holds the campaign's lease.
import { handler } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { schedulerFromEnv } from "../../../src/shared/jobs/braze-scheduler/env.ts";
import { runBrazeScheduler } from "../../../src/shared/jobs/braze-scheduler/run.ts";

export default handler({
  callers: ["cron", "service_role"],
  config: () => schedulerFromEnv(),
  run: async ({ config, runLabel }) => json(200, await runBrazeScheduler(config.ports, config.settings, runLabel)),
});
