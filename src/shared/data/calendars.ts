// A user's managed calendars (migration create_managed_calendars): replaced
// as a whole in one transaction, guarded by the user's revision.
import type { Db } from "../ports.ts";

/** SQL entry points this module calls, with their argument names; tests/db/data-layer checks them against pg_proc. */
export const procedures = {
  sync_managed_calendars: ["p_user_id", "p_calendars", "p_expected_revision"],
} as const;

/** One calendar as the sync stores it (the request's element, validated before it gets here). */
export interface CalendarInput {
  calendar_id: string;
  name: string;
  color?: string | null;
  is_primary: boolean;
  /** Absent or null: keep what the user has; an object replaces it. */
  settings?: Record<string, unknown> | null;
}

export interface SyncResult {
  inserted: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** The user's revision after this sync; pass it back as expected_revision next time. */
  revision: number;
}

export function calendars(db: Db) {
  return {
    /**
     * Replaces the user's calendars with `calendars`, atomically. A stale
     * `expectedRevision` is ConflictError and changes nothing.
     */
    sync: async (input: { userId: string; calendars: CalendarInput[]; expectedRevision?: number }) => {
      const result = await db.rpc<SyncResult>("sync_managed_calendars", {
        p_user_id: input.userId,
        p_calendars: input.calendars,
        p_expected_revision: input.expectedRevision ?? null,
      });
      // bigint counters may arrive as strings through either adapter.
      return {
        inserted: Number(result.inserted),
        updated: Number(result.updated),
        deleted: Number(result.deleted),
        unchanged: Number(result.unchanged),
        revision: Number(result.revision),
      } satisfies SyncResult;
    },
  };
}

export type Calendars = ReturnType<typeof calendars>;
