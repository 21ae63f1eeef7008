// Fixtures and inspection helpers for the calendar-sync tests.
import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import type { Db } from "../../src/shared/ports.ts";

export interface CalendarPayload {
  calendar_id: string;
  name: string;
  color?: string | null;
  is_primary: boolean;
  settings?: Record<string, unknown> | null;
}

export interface SyncCounts {
  inserted: number;
  updated: number;
  deleted: number;
  unchanged: number;
  revision: number;
}

export const newUserId = () => randomUUID();

export function calendar(id: string, overrides: Partial<CalendarPayload> = {}): CalendarPayload {
  return { calendar_id: id, name: `Calendar ${id}`, color: "#3366ff", is_primary: false, ...overrides };
}

export function calendars(ids: string[], overrides: Partial<CalendarPayload> = {}): CalendarPayload[] {
  return ids.map((id) => calendar(id, overrides));
}

export function sync(db: Db, userId: string, payload: unknown, expectedRevision?: number): Promise<SyncCounts> {
  return db.rpc<SyncCounts>("sync_managed_calendars", {
    p_user_id: userId,
    p_calendars: payload,
    p_expected_revision: expectedRevision ?? null,
  });
}

/** Every stored column of a user's calendars, timestamps as text, in a stable order. */
export async function storedCalendars(sql: Sql, userId: string) {
  return sql`
    select calendar_id, name, color, is_primary, settings,
           created_at::text as created_at, updated_at::text as updated_at
      from public.managed_calendars
     where user_id = ${userId}
     order by calendar_id`;
}

export async function storedRevision(sql: Sql, userId: string): Promise<number> {
  const [row] = await sql`select revision from public.managed_calendar_revisions where user_id = ${userId}`;
  return row ? Number(row.revision) : 0;
}

/** The pieces of a calendar a sync compares; settings only when the payload sends them. */
export function expectedCounts(before: CalendarPayload[], after: CalendarPayload[]) {
  const old = new Map(before.map((c) => [c.calendar_id, c]));
  const next = new Set(after.map((c) => c.calendar_id));
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (const c of after) {
    const o = old.get(c.calendar_id);
    if (!o) inserted++;
    else if (o.name !== c.name || (o.color ?? null) !== (c.color ?? null) || o.is_primary !== c.is_primary) updated++;
    else unchanged++;
  }
  const deleted = before.filter((c) => !next.has(c.calendar_id)).length;
  return { inserted, updated, deleted, unchanged };
}

/**
 * Waits until `condition` holds, polling the database: used to observe that a
 * call is blocked where the test put it, never to order events by time.
 */
export async function until(condition: () => Promise<boolean>, what: string, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting until ${what}`);
}
