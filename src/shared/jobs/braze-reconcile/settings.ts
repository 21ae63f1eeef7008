import { z } from "zod";

export const reconcileSettingsSchema = z
  .object({
    campaignId: z.string().min(1).max(200),
    /** Rows and orphans younger than this are left alone: a call may still be in flight. */
    graceSeconds: z.number().int().min(0).max(86_400).default(300),
    /** How far Braze's listing may lag behind writes. */
    listLagSeconds: z.number().int().min(0).max(3600).default(60),
    leaseTtlSeconds: z.number().int().min(5).max(3600).default(60),
    concurrency: z.number().int().min(1).max(64).default(4),
    /** Re-create schedules Braze has lost (true), or only report them (false). */
    recreateLost: z.boolean().default(true),
  })
  // A listing that lags could hide a schedule younger than the lag; judging
  // anything on it inside that time would cancel or re-create by mistake.
  .refine((s) => s.graceSeconds >= s.listLagSeconds, {
    message: "the grace period must be at least the listing lag",
    path: ["graceSeconds"],
  });

export type ReconcileSettings = z.infer<typeof reconcileSettingsSchema>;
