// ops-status: the read-only operations page (HTML). GET or POST with
// Authorization: Bearer <CRON_SECRET or service-role key>, or ?token=<same>
// for a browser (see requireOpsCaller for why, and why the header is better).
// One RPC: public.ops_status_snapshot().
import { opsStatusFromEnv } from "../../../src/shared/jobs/ops-status/env.ts";
import { opsStatusHandler } from "../../../src/shared/jobs/ops-status/http.ts";

export default {
  fetch: opsStatusHandler(() => opsStatusFromEnv()),
};
