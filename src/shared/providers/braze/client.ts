// Braze's scheduled API-triggered campaign endpoints.
// https://www.braze.com/docs/api/endpoints/messaging/schedule_messages/
//
// Create is the one call that is not idempotent: Braze has no idempotency key
// for it, so a create whose answer we did not see may have produced a
// schedule. It is sent once and an unseen answer is reported as "unknown"; the
// attempt id inside trigger_properties lets reconcile find what it produced.

import { z } from "zod";
import { UpstreamError } from "../../errors.ts";
import type { Braze, BrazeScheduledBroadcast, BrazeScheduleInput } from "../../ports.ts";
import { createPacer, type Pacer, PacerWaitTooLong } from "../pacer.ts";
import { requestWithRetry, type RetryTuning } from "../http.ts";

export interface BrazeClientOptions extends RetryTuning {
  /** The REST endpoint of the workspace's cluster, e.g. https://rest.iad-01.braze.com */
  baseUrl: string;
  apiKey: string;
  /**
   * Pace schedule creates to this many a minute (0: no pacing). Braze limits
   * broadcast calls to /campaigns/trigger/schedule/create to 250 a minute per
   * workspace; updates and deletes share the 250,000-an-hour pool and are not paced.
   */
  createsPerMinute?: number;
}

/** Braze's documented 250 a minute, less 4% so a minute boundary that falls between two runs cannot tip it over. */
export const BROADCAST_CREATES_PER_MINUTE = 240;

export type BrazeClient = Braze & Required<Pick<Braze, "listSchedules">> & {
  /** The same client, refusing any wait (429, backoff, pacing) longer than budgetMs() allows. */
  withWaitBudget(budgetMs: () => number): BrazeClient;
};

/** `braze` with a wait budget when it supports one (the REST client does); otherwise as it is. */
export function withWaitBudget(braze: Braze, budgetMs: () => number): Braze {
  const aware = braze as Partial<Pick<BrazeClient, "withWaitBudget">>;
  return typeof aware.withWaitBudget === "function"
    ? { ...aware.withWaitBudget(budgetMs), ...(braze.listSchedules ? {} : { listSchedules: undefined }) }
    : braze;
}

const SERVICE = "braze";

const createAnswer = z.object({ schedule_id: z.string().min(1), dispatch_id: z.string().optional() });
const updateAnswer = z.object({ schedule_id: z.string().min(1).optional() }).nullable();
const listingAnswer = z.object({
  scheduled_broadcasts: z.array(
    z.object({
      id: z.string(),
      name: z.string().default(""),
      next_send_time: z.string(),
      // Not in Braze's documented listing; the local simulator adds them.
      schedule_id: z.string().optional(),
      trigger_properties: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

export function createBrazeClient(options: BrazeClientOptions): BrazeClient {
  const { createsPerMinute = BROADCAST_CREATES_PER_MINUTE, ...rest } = options;
  const pacer = createsPerMinute > 0
    ? createPacer({ perMinute: createsPerMinute, now: rest.now, sleep: rest.sleep })
    : undefined;
  return clientWith(rest, pacer);
}

function clientWith(options: Omit<BrazeClientOptions, "createsPerMinute">, pacer: Pacer | undefined): BrazeClient {
  const { baseUrl, apiKey, ...tuning } = options;
  const root = baseUrl.replace(/\/+$/, "");
  const nowMs = tuning.now ?? (() => Date.now());
  // Braze answers every call with X-RateLimit-Limit/-Remaining/-Reset (reset
  // in UTC epoch seconds): https://www.braze.com/docs/api/api_limits/ . The
  // create pace follows what Braze says is left rather than a constant alone,
  // since its documented create limits differ by audience and workspace.
  const observeCreate = (headers: Headers) => {
    const remaining = Number(headers.get("x-ratelimit-remaining") ?? NaN);
    const reset = Number(headers.get("x-ratelimit-reset") ?? NaN);
    if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    pacer?.observe({ remaining, resetAtMs: reset > 1_000_000_000 ? reset * 1000 : nowMs() + reset * 1000 });
  };
  const headers = { authorization: `Bearer ${apiKey}` };

  const post = (
    path: string,
    json: unknown,
    extra: { idempotent: boolean; acceptStatus?: (s: number, b: unknown) => boolean; onHeaders?: (h: Headers) => void },
  ) => requestWithRetry({ ...tuning, service: SERVICE, url: root + path, method: "POST", headers, json, ...extra });

  return {
    withWaitBudget(budgetMs) {
      return clientWith({ ...options, waitBudgetMs: budgetMs }, pacer);
    },

    async createSchedule(input) {
      const budget = tuning.waitBudgetMs ?? (() => Infinity);
      try {
        await pacer?.take(budget());
      } catch (e) {
        if (!(e instanceof PacerWaitTooLong)) throw e;
        // Not sent: as good as a 429, the caller defers it.
        throw new UpstreamError(`create not sent: ${e.message}, past the caller's deadline`, SERVICE, "rejected", 429);
      }
      // The caller may have lost its lease while this create waited for its
      // slot (its budget then answers 0): a create sent now no lease covers.
      if (pacer && budget() <= 0) {
        throw new UpstreamError("create not sent: the caller stopped waiting for its slot", SERVICE, "rejected", 429);
      }
      const result = await post("/campaigns/trigger/schedule/create", {
        campaign_id: input.campaignId,
        broadcast: true,
        trigger_properties: triggerProperties(input),
        schedule: { time: input.sendAt.toISOString() },
      }, { idempotent: false, onHeaders: observeCreate });
      const parsed = createAnswer.safeParse(result.body);
      if (!parsed.success) {
        // Braze said yes but we cannot tell which schedule it made.
        throw new UpstreamError(
          `create answered ${result.status} without a schedule_id`,
          SERVICE,
          "unknown",
          result.status,
        );
      }
      return { scheduleId: parsed.data.schedule_id, dispatchId: parsed.data.dispatch_id };
    },

    async updateSchedule(input) {
      // Sending the same schedule and properties twice leaves the same state,
      // so retries are safe.
      const result = await post("/campaigns/trigger/schedule/update", {
        campaign_id: input.campaignId,
        schedule_id: input.scheduleId,
        schedule: { time: input.sendAt.toISOString() },
        trigger_properties: triggerProperties(input),
      }, { idempotent: true });
      const parsed = updateAnswer.safeParse(result.body);
      return { scheduleId: (parsed.success && parsed.data?.schedule_id) || input.scheduleId };
    },

    async deleteSchedule(input) {
      await post("/campaigns/trigger/schedule/delete", {
        campaign_id: input.campaignId,
        schedule_id: input.scheduleId,
      }, { idempotent: true, acceptStatus: isNotFound });
    },

    async listSchedules(query) {
      const url = `${root}/messages/scheduled_broadcasts?end_time=${encodeURIComponent(query.endTime.toISOString())}`;
      const result = await requestWithRetry({
        ...tuning,
        service: SERVICE,
        url,
        method: "GET",
        headers,
        idempotent: true,
      });
      const parsed = listingAnswer.safeParse(result.body);
      if (!parsed.success) {
        throw new UpstreamError(
          `scheduled_broadcasts answered an unexpected shape: ${parsed.error.message}`,
          SERVICE,
          "rejected",
          result.status,
        );
      }
      return parsed.data.scheduled_broadcasts.map((entry): BrazeScheduledBroadcast => {
        const attemptId = entry.trigger_properties?.["attempt_id"];
        return {
          // Braze's documented listing carries the campaign id in `id`; the
          // schedule id is there only where the listing provides it.
          campaignId: entry.id,
          scheduleId: entry.schedule_id,
          name: entry.name,
          nextSendTime: entry.next_send_time,
          attemptId: typeof attemptId === "string" ? attemptId : undefined,
        };
      });
    },
  };
}

function triggerProperties(input: BrazeScheduleInput): Record<string, unknown> {
  return { ...input.triggerProperties, attempt_id: input.attemptId };
}

/** The schedule is gone either way: deleted before, already sent, or never made. */
function isNotFound(status: number, body: unknown): boolean {
  if (status === 404) return true;
  if (status !== 400) return false;
  const message = typeof body === "object" && body !== null ? (body as { message?: unknown }).message : body;
  return typeof message === "string" && /not found|does not exist/i.test(message);
}
