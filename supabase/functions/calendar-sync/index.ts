// calendar-sync: POST {"calendars": [...], "expected_revision"?} with
// Authorization: Bearer <user access token>. Replaces the caller's managed
// calendars atomically; 200 {inserted, updated, deleted, unchanged, revision},
// 400 naming the field, 401 for a missing/expired/forged token, 409 when
// expected_revision is stale. Nothing changes unless the answer is 200.
import { bearerToken } from "../../../src/shared/http/auth.ts";
import { postHandler } from "../../../src/shared/http/handler.ts";
import { parseJson } from "../../../src/shared/http/parse.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { calendarSyncFromEnv } from "../../../src/shared/jobs/calendar-sync/env.ts";
import { authenticateUser, syncCalendars } from "../../../src/shared/jobs/calendar-sync/run.ts";
import { maxBodyBytes, syncRequestSchema } from "../../../src/shared/jobs/calendar-sync/schema.ts";

export default {
  fetch: postHandler(async (req) => {
    const { ports, maxCalendars } = calendarSyncFromEnv();
    // The user comes from the verified token only, never from the body.
    const userId = await authenticateUser(ports.verifyToken, bearerToken(req));
    const request = await parseJson(req, syncRequestSchema(maxCalendars), maxBodyBytes(maxCalendars));
    return json(200, await syncCalendars(ports.db, userId, request));
  }),
};
