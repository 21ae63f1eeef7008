// `npm run bench -- ops [--deliveries N] [--days N] [--emails N] [--samples N] [--no-prune]`:
//
// 1. The operations snapshot (public.ops_status_snapshot(), what every page
//    load and `npm run ops` cost) on an empty database, on a database holding
//    one day of the same traffic (already a full page: every job's ten latest
//    runs and 24 hour buckets) and on a simulated year, in one run. The three
//    databases live in one throwaway server and the samples alternate between
//    them, so a machine busy with something else slows all alike; each
//    figure is the median wall time of a call, and beside it the server
//    backend's own CPU time per call (the mean over the samples, from
//    /proc/<pid>/schedstat), which leaves out the waits for a CPU that a
//    loaded machine adds to the wall time, and the shared buffers one call
//    touches, which no load changes. The year against the day is what
//    the history costs; the day against empty is what showing a full page
//    costs. Exits non-zero when the year / empty ratio of the wall time is 2
//    or more.
// 2. Then the maintenance job (the real core, runMaintenance, over a direct
//    connection, with the documented default retentions) runs until it defers
//    nothing (then VACUUM ANALYZE and a CHECKPOINT, so the pruned database
//    is not timed while the deletes are still being written out), and a
//    table shows, per table it prunes, the rows before and
//    after and the oldest row left against its retention setting. Exits
//    non-zero when a table keeps a row past its retention (other than a job's
//    latest run, which is kept on purpose).
//
// The simulated year: every job in cron_schedules started every minute for
// `--days` days (365: 2.6 million runs for five jobs), a busy webhook of
// `--deliveries` deliveries (10 million) spread evenly over the same days, the
// emails they are about, and a Braze orphan sighting a day that reconcile
// stopped seeing. It is written with INSERT ... SELECT through the real
// tables, so every counter trigger runs for every statement as it would in
// production, in statements of 250,000 rows. Then VACUUM ANALYZE, which
// autovacuum does in production.
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres, { type Sql } from "postgres";
import { freePort } from "../dev/ports.ts";
import { applyMigrations, applyPlatformBootstrap, startPostgres } from "../dev/postgres.ts";
import { fromPostgres } from "../src/shared/db/direct.ts";
import { type PruneKind, runMaintenance } from "../src/shared/jobs/ops-status/maintenance.ts";
import { maintenanceFromEnv } from "../src/shared/jobs/ops-status/maintenance-env.ts";
import { formatTable } from "./support/table.ts";

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a whole number`);
  return n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Nanoseconds a local process has spent on a CPU (Linux: first field of /proc/<pid>/schedstat), or null. */
async function cpuNs(pid: number): Promise<number | null> {
  try {
    return Number((await readFile(`/proc/${pid}/schedstat`, "utf8")).split(" ")[0]);
  } catch {
    return null;
  }
}

interface SnapshotCost {
  /** Median wall time of one call as the client sees it (round trip included). */
  wallMs: number;
  /** Median on-CPU time of the server backend per call; null where /proc is not readable. */
  cpuMs: number | null;
}

/**
 * Each database is timed through its own fresh connection, not the one that
 * wrote its history, so every side is measured the same way. Samples
 * alternate between the databases (after one untimed warm-up each, which
 * also prepares the function's plan), so a machine busy with something else
 * slows all alike. Beside the wall time, the backend's own CPU time per call
 * (the server is local, so /proc/<pid>/schedstat is readable): on a loaded
 * machine the wall time also holds the waits for a CPU, which the CPU time
 * leaves out.
 */
async function snapshotCosts(urls: string[], samples: number): Promise<SnapshotCost[]> {
  const conns = await Promise.all(urls.map(async (url) => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const pid = row!.pid;
    await sql`select public.ops_status_snapshot()`;
    return { sql, pid };
  }));
  try {
    const wall = conns.map(() => [] as number[]);
    const cpuBefore = await Promise.all(conns.map(({ pid }) => cpuNs(pid)));
    for (let i = 0; i < samples; i++) {
      // Each sample starts with the next database, so none always runs right
      // after the same one.
      for (let j = 0; j < conns.length; j++) {
        const k = (i + j) % conns.length;
        const { sql } = conns[k]!;
        const started = performance.now();
        await sql`select public.ops_status_snapshot()`;
        wall[k]!.push(performance.now() - started);
      }
    }
    // The total over all samples: a backend's time is only added up when it
    // leaves the CPU, so one call's share can land in the next reading.
    const cpuAfter = await Promise.all(conns.map(({ pid }) => cpuNs(pid)));
    return conns.map((_, k) => {
      const [before, after] = [cpuBefore[k], cpuAfter[k]];
      return {
        wallMs: median(wall[k]!),
        cpuMs: before == null || after == null ? null : (after - before) / 1e6 / samples,
      };
    });
  } finally {
    await Promise.all(conns.map(({ sql }) => sql.end({ timeout: 5 })));
  }
}

/**
 * Shared buffers one call touches (the calling statement's "Buffers: shared
 * hit=... read=..." from auto_explain, which counts the nested statement's, the second
 * call of a fresh session so the plan is cached as every later call's is):
 * what the data's size and shape cost, unaffected by how busy the machine is.
 * auto_explain: https://www.postgresql.org/docs/current/auto-explain.html
 */
async function snapshotBuffers(url: string): Promise<number | null> {
  const notes: string[] = [];
  const sql = postgres(url, { max: 1, onnotice: (n) => notes.push(String(n.message)) });
  try {
    await sql`load 'auto_explain'`;
    await sql`select set_config('auto_explain.log_min_duration', '0', false),
                     set_config('auto_explain.log_analyze', 'on', false),
                     set_config('auto_explain.log_buffers', 'on', false),
                     set_config('auto_explain.log_nested_statements', 'on', false),
                     set_config('auto_explain.log_level', 'notice', false)`;
    await sql`select public.ops_status_snapshot()`;
    notes.length = 0;
    await sql`select public.ops_status_snapshot()`;
    // The top-level statement's plan: its counts include the function's own statement.
    const plan = notes.find((n) => n.includes("Query Text: select public.ops_status_snapshot()"));
    const top = plan?.match(/Buffers: shared((?: \w+=\d+)+)/);
    if (!top) return null;
    return [...top[1]!.matchAll(/(hit|read)=(\d+)/g)].reduce((n, m) => n + Number(m[2]), 0);
  } catch {
    return null; // auto_explain not installed: the column shows "-"
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Inserts in statements of `batch` rows, so no single statement holds a year of rows in memory. */
async function fill(
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
}

async function generateYear(sql: Sql, o: { days: number; deliveries: number; emails: number }) {
  const jobs = (await sql<{ name: string }[]>`select name from app_private.cron_schedules order by name`).map((r) =>
    r.name
  );
  const minutes = o.days * 1440;
  const runs = minutes * jobs.length;
  // Run g: job g % jobs, started (g / jobs) minutes ago; one in 50 failed.
  await fill(runs, 250_000, (from, to) =>
    sql`
    insert into app_private.job_runs (job, lease, holder, fencing_token, started_at, finished_at, outcome, counts)
    select (${jobs}::text[])[1 + g % ${jobs.length}::int], (${jobs}::text[])[1 + g % ${jobs.length}::int], 'cron:bench', g,
           now() - (g / ${jobs.length}::int + 1) * interval '1 minute',
           now() - (g / ${jobs.length}::int + 1) * interval '1 minute' + interval '2 seconds',
           case when g % 50 = 0 then 'failed' else 'completed' end, '{}'::jsonb
      from generate_series(${from}::int, ${to - 1}::int) g`, "runs");
  // Emails first (one row per email, as the webhook's upsert leaves it), then one delivery per event.
  await fill(o.emails, 250_000, (from, to) =>
    sql`
    insert into app_private.email_history (email_id, status, open_count, click_count, event_count, first_event_at, last_event_at)
    select 'e-' || g, case when g % 3 = 0 then 'opened' else 'delivered' end, g % 3, g % 7 / 6, 3,
           now() - interval '180 days', now() - interval '180 days'
      from generate_series(${from}::int, ${to - 1}::int) g`, "emails");
  const types = ["email.sent", "email.delivered", "email.opened", "email.clicked", "contact.created"];
  await fill(o.deliveries, 250_000, (from, to) =>
    sql`
    insert into app_private.resend_webhook_deliveries (svix_id, event_type, email_id, occurred_at, received_at)
    select 'msg_' || g, (${types}::text[])[1 + g % 5],
           case when g % 5 = 4 then null else 'e-' || (g % ${Math.max(1, o.emails)}::int) end,
           now() - (g::double precision / ${o.deliveries}::double precision) * ${o.days}::int * interval '1 day',
           now() - (g::double precision / ${o.deliveries}::double precision) * ${o.days}::int * interval '1 day'
      from generate_series(${from}::int, ${to - 1}::int) g`, "deliveries");
  await sql`
    insert into app_private.braze_orphan_sightings (campaign_id, schedule_id, first_seen_at, last_seen_at)
    select 'retired-campaign', 'schedule-' || d, now() - d * interval '1 day', now() - d * interval '1 day'
      from generate_series(1, ${o.days}::int) d`;
  await sql`vacuum analyze`;
  return { runs, jobs: jobs.length };
}

interface TableState {
  rows: number;
  oldest: string | null;
}

/** Rows and the oldest row's age (in whole hours) of each table maintenance prunes. */
async function tableStates(sql: Sql): Promise<Record<Exclude<PruneKind, "cron_run_details">, TableState>> {
  const [r] = await sql<Record<string, TableState>[]>`
    select
      -- A job's latest run is kept whatever its age, so it is left out of "oldest".
      (select jsonb_build_object('rows', count(*), 'oldest', extract(epoch from now() - min(started_at)
                 filter (where exists (select from app_private.job_runs n where n.job = r.job and n.started_at > r.started_at))
               )::bigint / 3600)
         from app_private.job_runs r) as job_runs,
      (select jsonb_build_object('rows', count(*), 'oldest', extract(epoch from now() - min(received_at))::bigint / 3600)
         from app_private.resend_webhook_deliveries) as webhook_deliveries,
      (select jsonb_build_object('rows', count(*), 'oldest', extract(epoch from now() - min(hour))::bigint / 3600)
         from app_private.ops_hourly_counters) as counter_hours,
      (select jsonb_build_object('rows', count(*), 'oldest', extract(epoch from now() - min(last_seen_at))::bigint / 3600)
         from app_private.braze_orphan_sightings) as orphan_sightings`;
  return r as never;
}

export async function main(args: string[] = []): Promise<void> {
  const days = option(args, "days", 365);
  const deliveries = option(args, "deliveries", 10_000_000);
  const emails = option(args, "emails", Math.max(1, Math.floor(deliveries / 5)));
  const samples = option(args, "samples", 201);
  const prune = !args.includes("--no-prune");
  const dir = await mkdtemp(join(tmpdir(), "bench-ops-"));
  await chmod(dir, 0o755); // the cluster runs as the unprivileged postgres user when we are root
  const port = await freePort();
  console.error(`starting Postgres on 127.0.0.1:${port} ...`);
  const pg = await startPostgres({ dataDir: join(dir, "data"), port, persistent: false });
  await applyPlatformBootstrap(pg.url());
  await applyMigrations(pg.url());
  // The empty side: a copy of the freshly migrated database.
  const admin = postgres(pg.url("template1"), { max: 1, onnotice: () => {} });
  await admin`create database ops_empty template postgres`;
  await admin`create database ops_day template postgres`;
  await admin.end();
  const empty = postgres(pg.url("ops_empty"), { max: 1, onnotice: () => {} });
  const day = postgres(pg.url("ops_day"), { max: 1, onnotice: () => {} });
  const sql = postgres(pg.url(), { max: 2, onnotice: () => {} });
  try {
    await empty`analyze`;
    // A day of the same traffic: already a full page (every job's ten latest
    // runs, 24 hour buckets, every event type), so the year's figure is
    // compared with the page it shows as well as with an empty one.
    const dayDeliveries = Math.round(deliveries / Math.max(1, days));
    const dayEmails = Math.max(1, Math.round(emails / Math.max(1, days)));
    const dayRuns = await generateYear(day, { days: 1, deliveries: dayDeliveries, emails: dayEmails });
    const year = await generateYear(sql, { days, deliveries, emails });
    const [empty_, day_, full_] = await snapshotCosts([pg.url("ops_empty"), pg.url("ops_day"), pg.url()], samples);
    const [emptyBuf, dayBuf, fullBuf] = await Promise.all(
      [pg.url("ops_empty"), pg.url("ops_day"), pg.url()].map(snapshotBuffers),
    );
    const buf = (n: number | null | undefined) => (n == null ? "-" : String(n));
    const [emptyMs, dayMs, fullMs] = [empty_!.wallMs, day_!.wallMs, full_!.wallMs];
    const cpu = (c: SnapshotCost) => (c.cpuMs === null ? "-" : `${c.cpuMs.toFixed(3)} ms`);
    const cpuRatio = (a: SnapshotCost, b: SnapshotCost) =>
      a.cpuMs === null || b.cpuMs === null ? "-" : `${(a.cpuMs / b.cpuMs).toFixed(2)}x`;
    const ratio = fullMs / emptyMs;
    console.log(
      formatTable(
        [
          "database",
          "runs",
          "deliveries",
          "emails",
          `snapshot (median of ${samples})`,
          "vs empty",
          "vs a day",
          "server CPU per call",
          "CPU vs empty",
          "CPU vs a day",
          "buffers per call",
        ],
        [
          ["empty", "0", "0", "0", `${emptyMs.toFixed(2)} ms`, "1.00x", "", cpu(empty_!), "1.00x", "", buf(emptyBuf)],
          [
            "a day (a full page)",
            String(dayRuns.runs),
            String(dayDeliveries),
            String(dayEmails),
            `${dayMs.toFixed(2)} ms`,
            `${(dayMs / emptyMs).toFixed(2)}x`,
            "1.00x",
            cpu(day_!),
            cpuRatio(day_!, empty_!),
            "1.00x",
            buf(dayBuf),
          ],
          [
            `a year (${days} days)`,
            String(year.runs),
            String(deliveries),
            String(emails),
            `${fullMs.toFixed(2)} ms`,
            `${ratio.toFixed(2)}x`,
            `${(fullMs / dayMs).toFixed(2)}x`,
            cpu(full_!),
            cpuRatio(full_!, empty_!),
            cpuRatio(full_!, day_!),
            buf(fullBuf),
          ],
        ],
      ),
    );
    console.log(`ratio year / empty: ${ratio.toFixed(2)}x (must stay under 2x)`);
    if (ratio >= 2) process.exitCode = 1;
    if (!prune) return;

    // The maintenance job with the documented default retentions; a bigger
    // batch than the default only so the year is caught up in fewer runs.
    const { settings } = maintenanceFromEnv({
      CRON_SECRET: "bench-cron-secret-0123456789",
      DB_ADAPTER: "direct",
      SUPABASE_DB_URL: pg.url(),
      MAINTENANCE_BATCH_SIZE: "10000",
      MAINTENANCE_MAX_BATCHES: "100",
    });
    const db = fromPostgres(sql);
    const before = await tableStates(sql);
    const startedAt = performance.now();
    let runs = 0;
    for (;;) {
      const outcome = await runMaintenance({ db }, settings, "bench");
      runs++;
      console.error(
        `maintenance run ${runs}: ${JSON.stringify(outcome.pruned)} deferred ${outcome.deferred.join(",")}`,
      );
      if (outcome.deferred.length === 0) break;
    }
    const seconds = (performance.now() - startedAt) / 1000;
    await sql`vacuum analyze`;
    // Deleting millions of rows leaves gigabytes of dirty pages and WAL that
    // the checkpointer writes out over the next minutes (and in production
    // within checkpoint_timeout); timed during that write-out, the pruned
    // database looked slower than the unpruned year (4.11 ms wall, 1.73 ms
    // CPU against 1.79 / 1.13) while its calls touched the same buffers. A
    // probe of 365 days and 3 million deliveries, pruned: 1.40 ms wall /
    // 1.04 ms CPU right after VACUUM, 0.99 / 0.73 after a CHECKPOINT, 75
    // buffers a call against the unpruned year's 71. So the write-out is
    // finished first, and the buffers per call are printed as well.
    await sql`checkpoint`;
    const after = await tableStates(sql);
    const prunedBuffers = await snapshotBuffers(pg.url());
    const kinds = Object.keys(after) as (keyof typeof after)[];
    const rows = kinds.map((kind) => {
      const limitHours = settings.retentionSeconds[kind] / 3600;
      const oldest = after[kind].oldest === null ? null : Number(after[kind].oldest);
      const within = oldest === null || oldest <= limitHours;
      if (!within) process.exitCode = 1;
      return [
        kind,
        String(before[kind].rows),
        String(after[kind].rows),
        oldest === null ? "-" : `${oldest} h`,
        `${limitHours} h`,
        within ? "yes" : "NO",
      ];
    });
    console.log(
      formatTable(["table (kind)", "rows before", "rows after", "oldest left", "retention", "within"], rows),
    );
    console.log(
      `maintenance: ${runs} runs, ${seconds.toFixed(0)} s (job_runs: every job's latest run is kept and not counted)`,
    );
    const [emptyAgain, pruned] = await snapshotCosts([pg.url("ops_empty"), pg.url()], samples);
    console.log(
      `snapshot after pruning: ${pruned!.wallMs.toFixed(2)} ms, server CPU ${pruned!.cpuMs?.toFixed(3) ?? "-"} ms, ${
        prunedBuffers ?? "-"
      } buffers (empty ${emptyAgain!.wallMs.toFixed(2)} ms, CPU ${emptyAgain!.cpuMs?.toFixed(3) ?? "-"} ms)`,
    );
  } finally {
    await sql.end({ timeout: 5 });
    await empty.end({ timeout: 5 });
    await day.end({ timeout: 5 });
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
