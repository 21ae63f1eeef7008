// delete-user: POST by the user themself (their access token; deletes only
// themself; browsers on an origin in CORS_ALLOWED_ORIGINS) or by Supabase Cron
// / an operator with {"user_id"}. Starts the deletion saga or joins the one
// running, advances it as far as it goes, and answers 202 {"status",
// "steps_done"}; the resumer finishes what is left.
import { handler } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { deletionRequestSchema, deletionTarget } from "../../../src/shared/jobs/delete-user/caller.ts";
import { deleteUserFromEnv } from "../../../src/shared/jobs/delete-user/env.ts";
import { requestDeletion } from "../../../src/shared/jobs/delete-user/run.ts";

export default handler({
  callers: ["cron", "service_role", "user"],
  cors: true,
  config: () => deleteUserFromEnv(),
  body: deletionRequestSchema,
  maxBodyBytes: 8 * 1024,
  run: async ({ caller, config, body }) => {
    const target = deletionTarget(caller, body);
    return json(202, await requestDeletion(config.ports, config.settings, target.userId, target.requestedBy));
  },
});
