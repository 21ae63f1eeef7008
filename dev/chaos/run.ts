// npm run chaos -- [--job braze|broadcasts|delete-user] --seed <n> --minutes <m>   (or --seconds <s>)
// The braze job runs production (ledger-only) mode with the delivery guard;
// --listing runs the listing-mode chaos instead (reconcile trusts a listing).
// Each job's chaos starts a throwaway embedded Postgres with the platform
// bootstrap and every migration (dev/chaos/cli.ts), starts its own simulators,
// prints its tables, and exits non-zero on any invariant violation.
import { chaosMain } from "./cli.ts";
import { formatReport } from "./format.ts";
import { runChaos } from "./harness.ts";
import { formatProductionReport } from "./production/format.ts";
import { runProductionChaos } from "./production/harness.ts";

// The other jobs' entries call chaosMain when imported.
const jobFlag = process.argv.indexOf("--job");
const job = jobFlag === -1 ? "braze" : process.argv[jobFlag + 1];
if (job === "broadcasts") await import("./broadcasts/run.ts");
else if (job === "delete-user") await import("./delete-user/run.ts");
else if (job === "braze") {
  const listing = process.argv.includes("--listing");
  chaosMain(listing ? "braze --listing" : "braze", async ({ seed, durationMs, databaseUrl, log }) => {
    if (listing) {
      const report = await runChaos({ seed, durationMs, databaseUrl, log });
      return { text: formatReport(report), violations: report.violations.length };
    }
    const report = await runProductionChaos({ seed, durationMs, databaseUrl, log });
    return { text: formatProductionReport(report), violations: report.violations.length };
  });
} else {
  console.error(`--job must be braze, broadcasts or delete-user, got ${job}`);
  process.exit(2);
}
