// maintenance: POST {} by Supabase Cron (Bearer CRON_SECRET) or an operator.
// Prunes job runs, webhook delivery records, counter buckets and pg_cron run
// details past their retention, in bounded batches under its lease; 200 with
// what it pruned and what it deferred; 409 while another run holds the lease.
import { handler } from "../../../src/shared/http/handler.ts";
import { json } from "../../../src/shared/http/respond.ts";
import { runMaintenance } from "../../../src/shared/jobs/ops-status/maintenance.ts";
import { maintenanceFromEnv } from "../../../src/shared/jobs/ops-status/maintenance-env.ts";

export default handler({
  callers: ["cron", "service_role"],
  config: () => maintenanceFromEnv(),
  run: async ({ config, runLabel }) => json(200, await runMaintenance(config.ports, config.settings, runLabel)),
});
