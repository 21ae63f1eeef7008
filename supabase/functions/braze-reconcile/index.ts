// braze-reconcile: POST {} by Supabase Cron or an operator. Repairs what
// crashes and unknown outcomes left between the ledger and Braze, under the
// same lease as braze-scheduler. 200 with counts; 409 when the campaign's
// lease is held.
import { handler } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { reconcileFromEnv } from "../../../src/shared/jobs/braze-reconcile/env.ts";
import { runBrazeReconcile } from "../../../src/shared/jobs/braze-reconcile/run.ts";

export default handler({
  callers: ["cron", "service_role"],
  config: () => reconcileFromEnv(),
  run: async ({ config, runLabel }) => json(200, await runBrazeReconcile(config.ports, config.settings, runLabel)),
});
