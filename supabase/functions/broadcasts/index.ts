// broadcasts: POST {"action": "schedule"|"send"|"reschedule"|"cancel", "broadcast_id", "publish_at"?}
// by an editor (user token with the editor role in app_metadata; browsers on
// an origin in CORS_ALLOWED_ORIGINS), Supabase Cron or an operator. 200 with
// the broadcast once the provider has it; 202 when the outcome is unknown (the
// row is uncertain: retrying the same action or the resolver finishes it with
// the same key); 409 with the current row when it is in flight or in the
// wrong state; 502 when the provider refused.
import { handler } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { runBroadcastAction } from "../../../src/shared/jobs/broadcasts/act.ts";
import { authorizeBroadcastCaller } from "../../../src/shared/jobs/broadcasts/caller.ts";
import { broadcastEditorsFromEnv } from "../../../src/shared/jobs/broadcasts/env.ts";
import { broadcastRequestSchema } from "../../../src/shared/jobs/broadcasts/request.ts";

const STATUS = { confirmed: 200, uncertain: 202, rolled_back: 502 } as const;

export default handler({
  callers: ["cron", "service_role", "user"],
  cors: true,
  config: () => broadcastEditorsFromEnv(),
  authorize: (caller, config) => authorizeBroadcastCaller(caller, config.editorRole),
  body: broadcastRequestSchema,
  run: async ({ config, body }) => {
    const result = await runBroadcastAction(config.ports, {
      action: body.action,
      broadcastId: body.broadcast_id,
      publishAt: body.publish_at ? new Date(body.publish_at) : undefined,
    });
    return json(STATUS[result.outcome], {
      outcome: result.outcome,
      broadcast: result.row,
      ...("error" in result ? { error: result.error } : {}),
    });
  },
});
