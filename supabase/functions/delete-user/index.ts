// delete-user: POST by the user themself (their access token; deletes only
// themself) or by Supabase Cron / an operator with {"user_id"}. Starts the
// deletion saga or joins the one running, advances it as far as it goes, and
// answers 202 {"status", "steps_done"}; the resumer finishes what is left.
import { z } from "zod";
import { serviceSecrets } from "../../../src/shared/http/common-env.ts";
import { postHandler } from "../../../src/shared/http/handler.ts";
import { parseJsonText, readBody } from "../../../src/shared/http/parse.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { deletionTarget } from "../../../src/shared/jobs/delete-user/caller.ts";
import { deleteUserFromEnv } from "../../../src/shared/jobs/delete-user/env.ts";
import { requestDeletion } from "../../../src/shared/jobs/delete-user/run.ts";

const body = z.object({ user_id: z.uuid().optional() }).strict();

export default {
  fetch: postHandler(async (req) => {
    const { env, ports, settings, verify } = deleteUserFromEnv();
    const text = await readBody(req, 8 * 1024);
    const target = await deletionTarget(req, () => parseJsonText(body, text), serviceSecrets(env), verify);
    return json(202, await requestDeletion(ports, settings, target.userId, target.requestedBy));
  }),
};
