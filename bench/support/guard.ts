// The delivery guard's throughput: answers per second through the served
// braze-send-guard function (real HTTP, HTTP Basic as Braze's Connected
// Content sends it, Deno and the function's own postgres.js pool) against the
// database's ceiling for the one indexed read the guard makes, both at the same
// concurrency in the same run.
//
// Every ask uses a key no earlier ask used. Braze caches a Connected Content
// GET per URL (https://www.braze.com/docs/user_guide/personalization_and_dynamic_content/connected_content/caching_responses),
// and the URL carries the key, so distinct keys are the uncached case: each
// one reaches the function and the database. The keys are attempts of the
// benchmark's own ledger rows marked superseded (a confirmed create replaced
// them), so every answer is "abort" after exactly the read the guard makes for
// any key (schedule_attempts by primary key, joined to its ledger row by
// primary key) and no ask claims a delivery or changes a row: the ledger the
// rest of the benchmark checks stays as it was.
import type { Sql } from "postgres";

export interface Throughput {
  asks: number;
  wallSeconds: number;
  perSecond: number;
  /** Answers that were not the expected one (a status, or a body), by kind. */
  wrong: Map<string, number>;
}

/** Runs `ask` once per key with `concurrency` in flight; a thrown ask counts as wrong. */
async function drive(
  keys: string[],
  concurrency: number,
  ask: (key: string) => Promise<string | null>,
): Promise<Throughput> {
  const wrong = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      const problem = await ask(key).catch((e: Error) => `threw ${e.message}`);
      if (problem !== null) wrong.set(problem, (wrong.get(problem) ?? 0) + 1);
    }
  }));
  const wallSeconds = (performance.now() - started) / 1000;
  return { asks: keys.length, wallSeconds, perSecond: keys.length / wallSeconds, wrong };
}

/** `count` fresh superseded attempts spread over the campaign's ledger rows; their keys, shuffled. */
export async function supersededKeys(sql: Sql, campaignId: string, count: number): Promise<string[]> {
  const rows = await sql<{ guard_key: string }[]>`
    with r as (
      select id, row_number() over (order by id) - 1 as k, count(*) over () as n
        from app_private.schedule_ledger where campaign_id = ${campaignId}
    )
    insert into app_private.schedule_attempts (guard_key, ledger_id, state)
    select gen_random_uuid(), r.id, 'superseded'
      from generate_series(0, ${count - 1}) as g(i)
      join r on r.k = g.i % r.n
    returning guard_key`;
  if (rows.length !== count) throw new Error(`campaign ${campaignId} has no ledger rows to attach guard keys to`);
  const keys = rows.map((r) => r.guard_key);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keys;
}

/** Each key asked of the served function, as Connected Content asks it. */
export function throughFunction(
  url: string,
  secret: string,
  keys: string[],
  concurrency: number,
): Promise<Throughput> {
  // The user name is whatever the Braze credential holds; the guard ignores it.
  const authorization = `Basic ${Buffer.from(`braze:${secret}`).toString("base64")}`;
  return drive(keys, concurrency, async (key) => {
    const res = await fetch(`${url}?key=${key}`, { headers: { authorization } });
    const body = await res.json() as { send?: unknown; reason?: unknown };
    if (res.status !== 200) return `status ${res.status}`;
    return body.send === false && body.reason === "attempt superseded" ? null : `answer ${JSON.stringify(body)}`;
  });
}

/** Each key asked of the guard's SQL function directly through postgres.js (no HTTP, no Deno). */
export function throughSqlFunction(sql: Sql, keys: string[], concurrency: number): Promise<Throughput> {
  return drive(keys, concurrency, async (key) => {
    const [row] = await sql<{ a: { send: boolean; reason: string } }[]>`
      select public.braze_send_guard(p_key => ${key}::uuid, p_tolerance_seconds => 600) as a`;
    return row!.a.send === false && row!.a.reason === "attempt superseded" ? null : `answer ${JSON.stringify(row!.a)}`;
  });
}

/** The ceiling: the guard's read alone, the same join by primary key, through postgres.js. */
export function indexedRead(sql: Sql, keys: string[], concurrency: number): Promise<Throughput> {
  return drive(keys, concurrency, async (key) => {
    const [row] = await sql<{ state: string }[]>`
      select a.state, l.id, l.status, l.send_at, l.delivered_by
        from app_private.schedule_attempts a
        join app_private.schedule_ledger l on l.id = a.ledger_id
       where a.guard_key = ${key}::uuid`;
    return row?.state === "superseded" ? null : `row ${JSON.stringify(row ?? null)}`;
  });
}
