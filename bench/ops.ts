// `npm run bench -- ops [--deliveries N] [--runs N] [--emails N] [--samples N]`:
// the operations snapshot (public.ops_status_snapshot(), what every page load
// and `npm run ops` cost) on an empty database, then after a history of
// webhook deliveries and job runs spread over a year, in one run. Exits
// non-zero when the ratio is 2 or more.
//
// Defaults are the sizes a year of Supabase Cron every minute and a busy
// webhook reach: 10 million deliveries and 1 million runs. The history is
// written with INSERT ... SELECT through the real tables, so every trigger
// (the snapshot's counters) runs for every row, as it would in production.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres, { type Sql } from "postgres";
import { freePort } from "../dev/ports.ts";
import { applyMigrations, applyPlatformBootstrap, startPostgres } from "../dev/postgres.ts";
import { formatTable } from "./support/table.ts";

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a whole number`);
  return n;
}

/** Median wall time of `samples` snapshots, in ms (after one untimed warm-up). */
async function snapshotMs(sql: Sql, samples: number): Promise<number> {
  await sql`select public.ops_status_snapshot()`;
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await sql`select public.ops_status_snapshot()`;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Inserts in batches so no single statement holds a year of rows in memory. */
async function fill(
  sql: Sql,
  total: number,
  batch: number,
  insert: (from: number, to: number) => Promise<unknown>,
  label: string,
) {
  for (let from = 0; from < total; from += batch) {
    const to = Math.min(total, from + batch);
    await insert(from, to);
    console.error(`${label}: ${to}/${total}`);
  }
  await sql`analyze`;
}

export async function main(args: string[] = []): Promise<void> {
  const deliveries = option(args, "deliveries", 10_000_000);
  const runs = option(args, "runs", 1_000_000);
  const emails = option(args, "emails", Math.max(1, Math.floor(deliveries / 5)));
  const samples = option(args, "samples", 21);
  const dir = await mkdtemp(join(tmpdir(), "bench-ops-"));
  await chmod(dir, 0o755); // the cluster runs as the unprivileged postgres user when we are root
  const port = await freePort();
  console.error(`starting Postgres on 127.0.0.1:${port} ...`);
  const pg = await startPostgres({ dataDir: join(dir, "data"), port, persistent: false });
  const sql = postgres(pg.url(), { max: 2, onnotice: () => {} });
  try {
    await applyPlatformBootstrap(pg.url());
    await applyMigrations(pg.url());
    await sql`analyze`;
    const empty = await snapshotMs(sql, samples);

    // Runs: five jobs, spread evenly over the past year, all finished.
    await fill(sql, runs, 200_000, (from, to) =>
      sql`
      insert into public.job_runs (job, lease, holder, fencing_token, started_at, finished_at, outcome, counts)
      select 'job-' || (g % 5), 'lease-' || (g % 5), 'cron:bench', g,
             now() - (g::double precision / ${runs}::double precision) * interval '365 days',
             now() - (g::double precision / ${runs}::double precision) * interval '365 days' + interval '2 seconds',
             case when g % 50 = 0 then 'failed' else 'completed' end, '{}'::jsonb
        from generate_series(${from}::int, ${to - 1}::int) g`, "runs");

    // Deliveries through record_resend_webhook's tables: emails first (one
    // row per email, as the upsert leaves it), then one delivery per event.
    const types = ["email.sent", "email.delivered", "email.opened", "email.clicked", "contact.created"];
    await fill(sql, emails, 200_000, (from, to) =>
      sql`
      insert into public.email_history (email_id, status, open_count, click_count, event_count, first_event_at, last_event_at)
      select 'e-' || g, case when g % 3 = 0 then 'opened' else 'delivered' end, g % 3, g % 7 / 6, 3,
             now() - interval '180 days', now() - interval '180 days'
        from generate_series(${from}::int, ${to - 1}::int) g`, "emails");
    await fill(sql, deliveries, 250_000, (from, to) =>
      sql`
      insert into public.resend_webhook_deliveries (svix_id, event_type, email_id, occurred_at, received_at)
      select 'msg_' || g, (${types}::text[])[1 + g % 5],
             case when g % 5 = 4 then null else 'e-' || (g % ${emails}::int) end,
             now() - (g::double precision / ${deliveries}::double precision) * interval '365 days',
             now() - (g::double precision / ${deliveries}::double precision) * interval '365 days'
        from generate_series(${from}::int, ${to - 1}::int) g`, "deliveries");

    const full = await snapshotMs(sql, samples);
    const ratio = full / empty;
    console.log(
      formatTable(
        ["database", "deliveries", "runs", "emails", "snapshot (median of " + samples + ")"],
        [
          ["empty", "0", "0", "0", `${empty.toFixed(2)} ms`],
          ["a year of history", String(deliveries), String(runs), String(emails), `${full.toFixed(2)} ms`],
        ],
      ),
    );
    console.log(`ratio: ${ratio.toFixed(2)}x (must stay under 2x)`);
    if (ratio >= 2) process.exitCode = 1;
  } finally {
    await sql.end({ timeout: 5 });
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
