import { z } from "zod";

/** Scheduler settings, with the defaults the README documents. */
export const schedulerSettingsSchema = z.object({
  campaignId: z.string().min(1).max(200),
  competitions: z.array(z.string().regex(/^[A-Z0-9]{2,5}$/)).min(1),
  leadMinutes: z.number().int().min(0).max(24 * 60).default(60),
  updateBufferMinutes: z.number().int().min(0).max(24 * 60).default(20),
  windowDays: z.number().int().min(1).max(60).default(14),
  concurrency: z.number().int().min(1).max(64).default(4),
  leaseTtlSeconds: z.number().int().min(5).max(3600).default(60),
  templateVersion: z.string().min(1).max(50).default("v1"),
  /** Locales the push carries team names in; the first is the feed's own language. */
  locales: z.array(z.string().regex(/^[a-z]{2}(-[a-z]{2})?$/)).min(1).default(["en"]),
  /** How long a run may wait for translations before sending source names. */
  translationBudgetSeconds: z.number().int().min(1).max(600).default(20),
  /**
   * Braze writes one run may make. Creates are paced to 240 a minute (Braze
   * allows 250), so a first fill of 1,000 matches takes over four minutes,
   * longer than an edge function may run (150 s); 300 writes is at most ~75 s
   * of creates, and the rest is deferred to the next cron run, most urgent
   * first, so every run ends well inside its limits.
   */
  maxWritesPerRun: z.number().int().min(1).max(10_000).default(300),
  /**
   * Past this many seconds from its start a run starts no new outside call,
   * settles what is in flight and defers the rest. An Edge Function worker may
   * run 150 s on the free plan (400 s on paid plans), per worker:
   * https://supabase.com/docs/guides/functions/limits . 110 s leaves room for
   * the calls in flight (BRAZE_TIMEOUT_MS, 10 s) and the last settle.
   */
  runDeadlineSeconds: z.number().int().min(5).max(3600).default(110),
  /**
   * braze-send-guard's BRAZE_GUARD_TOLERANCE_SECONDS: how far from its row's
   * send time a schedule may claim the delivery. A move of the kickoff the
   * guard could not tell from the old time is made as a new schedule (plan.ts
   * says why), so the scheduler must know it.
   */
  guardToleranceSeconds: z.number().int().min(0).max(1199).default(600),
  /** A schedule must start at least this far ahead for Braze to accept and send it. */
  createMarginSeconds: z.number().int().min(0).max(3600).default(60),
  /**
   * Whether reconcile can look a create up by its attempt id in Braze's
   * listing (BRAZE_LISTING). Then an unknown create is left to reconcile,
   * which adopts the schedule if Braze made it, without a second one. Braze
   * documents that its listing shows only dashboard-made schedules
   * (https://www.braze.com/docs/api/endpoints/messaging/schedule_messages/get_messages_scheduled/),
   * so in production (false) nothing can ever resolve an unknown create: the
   * scheduler itself cancels it (in the ledger alone) when the feed no longer
   * wants the match, or makes it again with the feed's current target, and
   * the delivery guard keeps a schedule that may exist from a wrong delivery.
   */
  listing: z.boolean().default(false),
});

export type SchedulerSettings = z.infer<typeof schedulerSettingsSchema>;
