// ops-status: the operations snapshot as JSON (public.ops_status_snapshot(),
// one RPC). GET or POST with Authorization: Bearer <CRON_SECRET or
// service-role key>; a secret anywhere else (a ?token= in the URL) is not
// looked at, so the answer is 401. People read it as a page or a terminal
// summary through `npm run ops` (dev/ops.ts).
import { opsStatusFromEnv } from "../../../src/shared/jobs/ops-status/env.ts";
import { opsStatusHandler } from "../../../src/shared/jobs/ops-status/http.ts";

export default opsStatusHandler({ ports: () => opsStatusFromEnv() });
