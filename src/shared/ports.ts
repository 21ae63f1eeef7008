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

/** Resend's broadcast statuses: draft, scheduled, queued, sent, canceled, failed (https://resend.com/changelog/cancel-broadcast-api). */
export type ProviderBroadcastStatus = "draft" | "scheduled" | "queued" | "sent" | "canceled" | "failed";

export interface ProviderBroadcast {
  id: string;
  name: string | null;
  status: ProviderBroadcastStatus;
  /** ISO 8601, or null when not scheduled. */
  scheduledAt: string | null;
}

export interface CreateBroadcastInput {
  /** Resend's segment (formerly audience) id. */
  segmentId: string;
  subject: string;
  html: string;
  /** Our stable name for the broadcast, by which a lost create is found again. */
  name: string;
}

/**
 * Email broadcasts at the provider (Resend). Writes are not deduplicated
 * there, so a write whose answer was lost throws UpstreamError with outcome
 * "unknown" and is never repeated; the caller reads the broadcast back.
 */
export interface EmailBroadcasts {
  createBroadcast(input: CreateBroadcastInput): Promise<{ id: string }>;
  /** scheduledAt null sends now. */
  sendBroadcast(input: { broadcastId: string; scheduledAt: Date | null }): Promise<void>;
  /** A scheduled broadcast goes back to draft at the provider (a queued one is canceled). */
  cancelBroadcast(input: { broadcastId: string }): Promise<void>;
  /** null when the provider has no such broadcast. */
  getBroadcast(broadcastId: string): Promise<ProviderBroadcast | null>;
  /** Every broadcast carrying this name. */
  findBroadcastsByName(name: string): Promise<ProviderBroadcast[]>;
}

/** The provider's contact list (Resend), as a user deletion empties it. */
export interface Contacts {
  /** Done when it answers, whether or not the contact existed. */
  removeContact(input: { email: string; audienceId?: string }): Promise<{ removed: boolean }>;
}

/** Supabase Auth's admin API (service role), as a user deletion uses it. */
export interface AuthAdmin {
  /** null when there is no such user. */
  getUser(userId: string): Promise<{ id: string; email: string | null } | null>;
  /** Bans for `duration` (a Go duration, e.g. "876000h"); false when there is no such user. */
  ban(userId: string, duration: string): Promise<boolean>;
  /** Lifts a ban; "not found" counts as done. */
  unban(userId: string): Promise<void>;
  /** "Not found" counts as done: the user is gone either way. */
  deleteUser(userId: string): Promise<void>;
}
