// delete-user-resume: POST {} by Supabase Cron (Bearer CRON_SECRET) or an
// operator. Advances every deletion saga that is due (retries after backoff,
// runs that crashed); 200 with what it did; 409 while another run holds the lease.
import { handler } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { deleteUserFromEnv } from "../../../src/shared/jobs/delete-user/env.ts";
import { resumeDeletions } from "../../../src/shared/jobs/delete-user/run.ts";

export default handler({
  callers: ["cron", "service_role"],
  config: () => deleteUserFromEnv(),
  run: async ({ config, runLabel }) => json(200, await resumeDeletions(config.ports, config.settings, runLabel)),
});
