// braze-reconcile: POST by Supabase Cron or an operator. Repairs what crashes
// and unknown outcomes left between the ledger and Braze, under the same lease
// as braze-scheduler. 200 with counts; 409 when the campaign's lease is held.
import { z } from "zod";
import { requireServiceCaller } from "../../../src/shared/http/auth.ts";
import { serviceSecrets } from "../../../src/shared/http/common-env.ts";
import { postHandler } from "../../../src/shared/http/handler.ts";
import { parseJson } from "../../../src/shared/http/parse.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { reconcileFromEnv } from "../../../src/shared/jobs/braze-reconcile/env.ts";
import { runBrazeReconcile } from "../../../src/shared/jobs/braze-reconcile/run.ts";

const body = z.object({}).strict();

export default {
  fetch: postHandler(async (req) => {
    const { env, settings, ports } = reconcileFromEnv();
    const caller = requireServiceCaller(req, serviceSecrets(env));
    await parseJson(req, body);
    return json(200, await runBrazeReconcile(ports, settings, `${caller}:${crypto.randomUUID()}`));
  }),
};
