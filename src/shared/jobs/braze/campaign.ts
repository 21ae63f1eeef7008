// What both Braze jobs (braze-scheduler, braze-reconcile) share about a
// campaign, so neither imports the other.

/**
 * The lease that fences a campaign's ledger rows. The database derives the
 * same name (braze_campaign_lease) and refuses any other lease's token.
 */
export const leaseNameFor = (campaignId: string) => `braze:campaign:${campaignId}`;

/**
 * The trigger_properties a schedule is created or updated with: the message,
 * the attempt id (listing mode adopts schedules by it) and the guard key the
 * push template sends to braze-send-guard at send time.
 */
export function scheduleProperties(message: Record<string, unknown>, guardKey: string): Record<string, unknown> {
  return { ...message, guard_key: guardKey };
}
