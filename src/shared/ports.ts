// The small interfaces that job cores depend on. Adapters live beside the
// thing they adapt (src/shared/db, src/shared/providers); tests pass fakes.

/**
 * The database, as the cores see it: one remote procedure call. Every function
 * the project calls returns `jsonb`, so the result is the same plain JSON value
 * through PostgREST (supabase-js `.rpc`) and through a direct connection.
 * SQL errors arrive as the typed errors of ./errors.ts from either adapter.
 */
export interface Db {
  rpc<T = unknown>(fn: string, args?: Record<string, unknown>): Promise<T>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A fixture as football-data.org v4 describes it, reduced to what the jobs use. */
export interface Match {
  id: number;
  utcDate: string;
  status: string;
  competition: { id: number; code?: string; name?: string };
  homeTeam: { id: number | null; name: string | null };
  awayTeam: { id: number | null; name: string | null };
  lastUpdated?: string;
}

export interface FootballData {
  listMatches(query: { competitions: string[]; dateFrom: string; dateTo: string }): Promise<Match[]>;
}

export interface BrazeScheduleInput {
  campaignId: string;
  sendAt: Date;
  /**
   * Sent to Braze inside trigger_properties, so reconcile can tell which
   * outside schedule belongs to which ledger attempt.
   */
  attemptId: string;
  triggerProperties: Record<string, unknown>;
}

export interface BrazeScheduledBroadcast {
  /** Braze's documented listing names the campaign; only some listings carry the schedule id. */
  campaignId: string;
  scheduleId?: string;
  name: string;
  nextSendTime: string;
  attemptId?: string;
}

/**
 * Braze's scheduled-trigger API. Calls throw UpstreamError; a write whose
 * outcome is unknown throws with outcome "unknown" and is never retried here.
 */
export interface Braze {
  createSchedule(input: BrazeScheduleInput): Promise<{ scheduleId: string; dispatchId?: string }>;
  /** Braze may answer an update with a different schedule id; the caller adopts it. */
  updateSchedule(input: BrazeScheduleInput & { scheduleId: string }): Promise<{ scheduleId: string }>;
  /** "Not found" counts as done: the schedule is gone either way. */
  deleteSchedule(input: { campaignId: string; scheduleId: string }): Promise<void>;
  /**
   * Optional capability: Braze's documented listing may not show API-triggered
   * schedules, so reconcile must work without it.
   */
  listSchedules?(query: { endTime: Date }): Promise<BrazeScheduledBroadcast[]>;
}

/**
 * Machine translation of short texts (team names). One call translates many
 * texts into one target locale; results come back in the same order.
 */
export interface Translator {
  translate(input: { texts: string[]; sourceLocale: string; targetLocale: string }): Promise<string[]>;
}
