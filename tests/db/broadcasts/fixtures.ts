// Arranging broadcasts rows for the entry-point tests: every state is reached
// through the entry points the functions call (the typed data layer), except
// the provider's resting states, which only a provider answer settles a row to
// and which are written directly (the test owns its database). Each test then
// makes, raw, the one call it checks.
import type { Sql } from "postgres";
import { type BroadcastRow, broadcasts, type OperationRef } from "../../../src/shared/data/broadcasts.ts";
import type { Db } from "../../../src/shared/ports.ts";

/** What a fixture needs of the test's database: the Db port, and a superuser connection for the resting states. */
export interface Target {
  db: Db;
  sql: Sql;
}

/** An ISO time `hours` from now: a publish time the entry points accept as in the future. */
export const inHours = (hours: number): string => new Date(Date.now() + hours * 3_600_000).toISOString();

/** A new draft. */
export async function draft(db: Db): Promise<BroadcastRow> {
  return await broadcasts(db).create({ subject: "Weekly", contentHtml: "<p>x</p>", audienceId: "aud" });
}

/** What a fixture begins: a send, or a schedule at `publishAt`. */
export type Start = { action: "send" } | { action: "schedule"; publishAt: string };

/** A draft with `start` begun (a send unless told): the row in flight, owned by the caller. */
export async function begun(db: Db, start: Start = { action: "send" }): Promise<BroadcastRow> {
  const created = await draft(db);
  const answer = await broadcasts(db).begin({
    id: created.id,
    action: start.action,
    publishAt: start.action === "schedule" ? new Date(start.publishAt) : undefined,
  });
  if (!answer.started) throw new Error(`arranging a ${start.action} was refused: ${answer.reason}`);
  return answer.row;
}

/** The operation a row's owner holds, as the data layer names it. */
export function ref(row: BroadcastRow): OperationRef {
  return { id: row.id, version: row.version, key: row.operation_key! };
}

/** The same operation as the entry points' arguments (every settle takes them), for a test's raw call. */
export function owner(row: BroadcastRow) {
  return { p_id: row.id, p_version: row.version, p_key: row.operation_key };
}

/** A begun operation (a send unless told) whose provider broadcast `providerId` is recorded. */
export async function recorded(db: Db, providerId: string, start?: Start): Promise<BroadcastRow> {
  const row = await begun(db, start);
  return await broadcasts(db).recordProviderId(ref(row), providerId);
}

/** A schedule at `publishAt` whose outcome was lost: uncertain, with `error`. */
export async function uncertain(db: Db, publishAt = inHours(2), error = "timeout"): Promise<BroadcastRow> {
  const row = await begun(db, { action: "schedule", publishAt });
  return await broadcasts(db).markUncertain(ref(row), error);
}

/** A schedule the resolver gave up on: unresolved, with the operator's `reason`. */
export async function unresolved(db: Db, reason = "provider unreadable"): Promise<BroadcastRow> {
  const row = await begun(db, { action: "schedule", publishAt: inHours(2) });
  return await broadcasts(db).markUnresolved(ref(row), reason);
}

export type State = "draft" | "sending" | "scheduling" | "uncertain" | "unresolved" | Resting;
/** States a provider answer settles a row to. */
export type Resting = "scheduled" | "sent" | "canceled" | "failed";

/** A row in `state`, as broadcast_get reads it. */
export async function rowIn(t: Target, state: State): Promise<BroadcastRow> {
  switch (state) {
    case "draft":
      return await draft(t.db);
    case "sending":
      return await begun(t.db);
    case "scheduling":
      return await begun(t.db, { action: "schedule", publishAt: inHours(2) });
    case "uncertain":
      return await uncertain(t.db);
    case "unresolved":
      return await unresolved(t.db);
    default: {
      const created = await draft(t.db);
      await t.sql`
        update app_private.broadcasts
           set send_status = ${state},
               provider_broadcast_id = case when ${state} in ('scheduled', 'sent', 'canceled') then 'p_' || id::text end,
               publish_at = case when ${state} = 'scheduled' then ${inHours(5)}::timestamptz end,
               sent_at = case when ${state} = 'sent' then now() end
         where id = ${created.id}`;
      return await broadcasts(t.db).get(created.id);
    }
  }
}
