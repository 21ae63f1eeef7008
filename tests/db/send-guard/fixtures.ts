// Arranging ledger rows for the delivery guard through the real entry points:
// intents by ledger_begin, outcomes by ledger_settle, as the jobs write them.
import type { Sql } from "postgres";
import type { Db } from "../../../src/shared/ports.ts";
import type { BegunRow } from "../../../src/shared/data/ledger.ts";
import { createIntent, LEASE, takeLease } from "../ledger/fixtures.ts";

export interface Guarded {
  db: Db;
  token: number;
}

const held = new WeakMap<Db, Promise<number>>();

/** The campaign's lease, taken once per database (a second take would be refused while the first is live). */
export async function guarded(db: Db): Promise<Guarded> {
  if (!held.has(db)) held.set(db, takeLease(db));
  return { db, token: await held.get(db)! };
}

export async function begin(g: Guarded, intents: Record<string, unknown>[]): Promise<BegunRow[]> {
  return await g.db.rpc<BegunRow[]>("ledger_begin", {
    p_lease: LEASE,
    p_token: g.token,
    p_campaign_id: "c1",
    p_intents: intents,
  });
}

export async function settle(g: Guarded, results: Record<string, unknown>[]) {
  return await g.db.rpc<{ applied: number; stale: number[] }>("ledger_settle", {
    p_lease: LEASE,
    p_token: g.token,
    p_campaign_id: "c1",
    p_results: results,
  });
}

/** A create for match `matchId` begun and settled with `outcome`; its row and guard key. */
export async function createdRow(g: Guarded, matchId: number, outcome: "ok" | "uncertain" | "failed") {
  const [row] = await begin(g, [createIntent(matchId)]);
  await settle(g, [{
    id: row!.id,
    version: row!.version,
    outcome,
    ...(outcome === "ok" ? { braze_schedule_id: `s-${matchId}` } : {}),
  }]);
  return { id: row!.id, matchId, key: row!.guard_key, version: row!.version + 1 };
}

export type CreatedRow = Awaited<ReturnType<typeof createdRow>>;

/** A later attempt on a created row (its cancel, or a create made again under a new key), begun: ledger_begin's row. */
export async function beginOn(g: Guarded, row: CreatedRow, action: "cancel" | "retry_create"): Promise<BegunRow> {
  const [begun] = await begin(g, [{
    action,
    match_id: row.matchId,
    id: row.id,
    version: row.version,
    attempt_id: crypto.randomUUID(),
  }]);
  return begun!;
}

/** Whether a row is delivered, and by which key: what a guard answer may change. */
export async function delivery(sql: Sql, id: number): Promise<{ status: string; delivered_by: string | null }> {
  const [row] = await sql<{ status: string; delivered_by: string | null }[]>`
    select status, delivered_by::text from app_private.schedule_ledger where id = ${id}`;
  return row!;
}

/** Moves a row's send time to the database's now: the moment Braze fires it. */
export async function dueNow(sql: Sql, id: number): Promise<void> {
  await sql`update app_private.schedule_ledger set send_at = now(), kickoff_at = now() + interval '1 hour' where id = ${id}`;
}

export type Answer = { send: boolean; reason: string };

export async function ask(db: Db, key: string, toleranceSeconds = 600): Promise<Answer> {
  return await db.rpc<Answer>("braze_send_guard", { p_key: key, p_tolerance_seconds: toleranceSeconds });
}
