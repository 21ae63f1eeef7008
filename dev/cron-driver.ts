// The local stand-in for pg_cron + pg_net: reads app_private.cron_schedules (the
// same rows the pg_cron migration schedules) and POSTs to each function with
// Authorization: Bearer <CRON_SECRET> on its schedule, printing one line per run.
import { Cron } from "croner";
import type { Sql } from "postgres";

export interface CronDriverOptions {
  sql: Sql;
  functionsUrl: string;
  cronSecret: string;
  log: (line: string) => void;
}

interface Schedule {
  name: string;
  schedule: string;
  function_name: string;
  body: unknown;
}

export async function startCronDriver(
  options: CronDriverOptions,
): Promise<{ stop(): void; names: string[]; trigger(name: string): Promise<void> }> {
  const rows = await options.sql<
    Schedule[]
  >`select name, schedule, function_name, body from app_private.cron_schedules order by name`;
  const invoke = async (row: Schedule) => {
    const started = Date.now();
    try {
      const res = await fetch(`${options.functionsUrl}/${row.function_name}`, {
        method: "POST",
        headers: { authorization: `Bearer ${options.cronSecret}`, "content-type": "application/json" },
        body: JSON.stringify(row.body ?? {}),
      });
      const text = await res.text();
      options.log(`${row.name} ${res.status} in ${Date.now() - started} ms ${summarize(text)}`);
    } catch (e) {
      options.log(`${row.name} failed to call: ${(e as Error).message}`);
    }
  };
  // protect: a run still going when the next tick comes is not overlapped by
  // the driver (the lease would refuse it anyway, with a 409).
  const jobs = rows.map((row) => new Cron(row.schedule, { timezone: "UTC", protect: true }, () => invoke(row)));
  return {
    names: rows.map((r) => `${r.name} (${r.schedule})`),
    stop: () => jobs.forEach((j) => j.stop()),
    trigger: async (name) => {
      const row = rows.find((r) => r.name === name);
      if (row) await invoke(row);
    },
  };
}

function summarize(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return Object.entries(body)
      .filter(([k, v]) => k !== "run_id" && typeof v !== "object")
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
  } catch {
    return text.slice(0, 200);
  }
}
