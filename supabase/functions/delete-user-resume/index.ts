// delete-user-resume: POST by Supabase Cron (Bearer CRON_SECRET) or an
// operator. Advances every deletion saga that is due (retries after backoff,
// runs that crashed); 200 with what it did; 409 while another run holds the lease.
import { z } from "zod";
import { requireServiceCaller } from "../../../src/shared/http/auth.ts";
import { serviceSecrets } from "../../../src/shared/http/common-env.ts";
import { postHandler } from "../../../src/shared/http/handler.ts";
import { parseJson } from "../../../src/shared/http/parse.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { deleteUserFromEnv } from "../../../src/shared/jobs/delete-user/env.ts";
import { resumeDeletions } from "../../../src/shared/jobs/delete-user/run.ts";

const body = z.object({}).strict();

export default {
  fetch: postHandler(async (req) => {
    const { env, ports, settings } = deleteUserFromEnv();
    const caller = requireServiceCaller(req, serviceSecrets(env));
    await parseJson(req, body);
    return json(200, await resumeDeletions(ports, settings, `${caller}:${crypto.randomUUID()}`));
  }),
};
