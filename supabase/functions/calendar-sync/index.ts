// calendar-sync: POST {"calendars": [...], "expected_revision"?} with
// Authorization: Bearer <user access token>, from a server or a browser on an
// origin in CORS_ALLOWED_ORIGINS. Replaces the caller's managed calendars
// atomically; 200 {inserted, updated, deleted, unchanged, revision}, 400
// naming the field, 401 for a missing/expired/forged token, 409 when
// expected_revision is stale. Nothing changes unless the answer is 200.
import { handler } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { calendarSyncFromEnv } from "../../../src/shared/jobs/calendar-sync/env.ts";
import { syncCalendars, userIdOf } from "../../../src/shared/jobs/calendar-sync/run.ts";
import { maxBodyBytes, syncRequestSchema } from "../../../src/shared/jobs/calendar-sync/schema.ts";

export default handler({
  callers: ["user"],
  cors: true,
  config: () => calendarSyncFromEnv(),
  body: (config) => syncRequestSchema(config.maxCalendars),
  maxBodyBytes: (config) => maxBodyBytes(config.maxCalendars),
  // The user comes from the verified token only, never from the body.
  run: async ({ caller, config, body }) =>
    json(200, await syncCalendars(config.ports.db, userIdOf(caller.claims), body)),
});
