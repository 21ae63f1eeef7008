// Running a job under its lease: begin (take lease + record run), heartbeat,
// finish (record outcome + release). Shared by every lease-holding job.
//
// A run may act only while it can prove it holds the lease. Proof is the
// database's last answer: the expiry it granted, measured on the local clock
// from when the request was sent (so a slow answer only shortens it). The run
// stops starting outside calls the moment any of these happens:
// - a fenced write was answered lease_lost (the caller reports it: lose());
// - a renewal was refused, or failed twice in a row (one transient error is
//   retried at once), or did not answer within renewTimeoutMs;
// - the locally tracked expiry is less than expiryMarginMs away (a renewal
//   that hangs is caught here even without its timeout).
import { LeaseLostError, LockedError } from "../errors.ts";
import { type LeaseGrant, leases } from "../data/leases.ts";
import { type Clock, type Db, systemClock } from "../ports.ts";

export interface LeaseContext {
  runId: string;
  lease: string;
  token: number;
  /** Aborted the moment the run can no longer prove it holds the lease: start no new outside call after that. */
  signal: AbortSignal;
  /** Throws LeaseLostError once the signal is aborted or the tracked expiry is near. */
  assertLive(): void;
  /** A fenced write was answered lease_lost: stop now. */
  lose(reason: string): void;
  /** True once the run's deadline (if any) has passed: start no new outside call, settle, defer the rest. */
  pastDeadline(): boolean;
  /** Milliseconds left before the run's deadline (Infinity without one). */
  msToDeadline(): number;
  /** What the run has done so far; recorded in job_runs even if the run fails. */
  progress: Record<string, unknown>;
}

export interface LeaseOptions {
  job: string;
  lease: string;
  holder: string;
  ttlSeconds: number;
  /** Renew this often; default a third of the TTL. */
  heartbeatMs?: number;
  /** A renewal unanswered after this long counts as failed; default a sixth of the TTL. */
  renewTimeoutMs?: number;
  /** Stop when the tracked expiry is this close; default a sixth of the TTL. */
  expiryMarginMs?: number;
  /**
   * The run's own deadline, from its start: past it the run starts no new
   * outside call. Set it inside the platform's wall-clock limit.
   */
  deadlineMs?: number;
  clock?: Clock;
}

export interface RunRecord<C> {
  runId: string;
  counts: C;
}

/**
 * Runs `work` while holding the lease. Throws LockedError (after recording the
 * run as locked) when another holder has it. The run row is finished whatever
 * happens; if `work` throws, the run is recorded as failed (or lease_lost) with
 * the error, and the error is rethrown for the shell to map.
 */
export async function withLease<C extends Record<string, unknown>>(
  db: Db,
  options: LeaseOptions,
  work: (lease: LeaseContext) => Promise<C>,
): Promise<RunRecord<C>> {
  const clock = options.clock ?? systemClock;
  const nowMs = () => clock.now().getTime();
  const ttlMs = options.ttlSeconds * 1000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(250, ttlMs / 3);
  const renewTimeoutMs = options.renewTimeoutMs ?? Math.max(250, ttlMs / 6);
  const marginMs = options.expiryMarginMs ?? ttlMs / 6;

  const sql = leases(db);
  const startedAt = nowMs();
  const begin = await sql.beginRun({
    job: options.job,
    lease: options.lease,
    holder: options.holder,
    ttlSeconds: options.ttlSeconds,
  });
  if (!begin.acquired || begin.token === undefined) {
    throw new LockedError(`${options.lease} is held by another run`);
  }
  const token = Number(begin.token);
  const deadlineAt = options.deadlineMs === undefined ? Infinity : startedAt + options.deadlineMs;
  const controller = new AbortController();
  let lostReason: string | undefined;
  let stopped = false;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  let expiresLocal = -Infinity;

  const lose = (reason: string) => {
    if (controller.signal.aborted) return;
    lostReason = reason;
    clearTimeout(heartbeat);
    clearTimeout(expiryTimer);
    controller.abort(new LeaseLostError(`lease ${options.lease} lost: ${reason}`));
  };

  /** Records a grant: the expiry the database set, as a span from when the request left. */
  const track = (sentAt: number, granted: LeaseGrant) => {
    const span = Date.parse(granted.expires_at ?? "") - Date.parse(granted.now ?? "");
    // Without the database's now, assume the full TTL from when we asked.
    expiresLocal = sentAt + (Number.isFinite(span) ? span : ttlMs);
    clearTimeout(expiryTimer);
    if (!stopped) {
      expiryTimer = setTimeout(() => {
        if (nowMs() >= expiresLocal - marginMs) lose("the lease is about to expire and no renewal confirmed it");
      }, Math.max(0, expiresLocal - marginMs - nowMs()));
    }
  };
  track(startedAt, begin);

  const renewOnce = async () => {
    const sentAt = nowMs();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RenewTimeout(`renewal unanswered after ${renewTimeoutMs} ms`)),
        renewTimeoutMs,
      );
    });
    try {
      const granted = await Promise.race([
        sql.renew({ lease: options.lease, token, ttlSeconds: options.ttlSeconds }),
        timeout,
      ]);
      track(sentAt, granted);
    } finally {
      clearTimeout(timer);
    }
  };

  const beat = async () => {
    if (stopped || controller.signal.aborted) return;
    try {
      try {
        await renewOnce();
      } catch (e) {
        // Refused or unanswered: no point asking again. Anything else (a
        // network blip, a pooler hiccup) gets one more try before we stop.
        if (e instanceof LeaseLostError || e instanceof RenewTimeout) throw e;
        await renewOnce();
      }
      if (!stopped && !controller.signal.aborted) heartbeat = setTimeout(beat, heartbeatMs);
    } catch (e) {
      lose((e as Error)?.message ?? String(e));
    }
  };
  heartbeat = setTimeout(beat, heartbeatMs);

  const context: LeaseContext = {
    runId: begin.run_id,
    lease: options.lease,
    token,
    signal: controller.signal,
    progress: {},
    lose,
    assertLive() {
      if (!controller.signal.aborted && nowMs() >= expiresLocal - marginMs) {
        lose("the lease is about to expire and no renewal confirmed it");
      }
      if (controller.signal.aborted) throw new LeaseLostError(`lease ${options.lease} lost: ${lostReason}`);
    },
    pastDeadline: () => nowMs() >= deadlineAt,
    msToDeadline: () => deadlineAt - nowMs(),
  };

  const stop = () => {
    stopped = true;
    clearTimeout(heartbeat);
    clearTimeout(expiryTimer);
  };

  try {
    const counts = await work(context);
    // Work that finished after the lease was lost may have been written by no
    // one: report it as lost, not completed.
    context.assertLive();
    stop();
    await sql.finishRun({ runId: begin.run_id, outcome: "completed", counts });
    return { runId: begin.run_id, counts };
  } catch (e) {
    stop();
    const outcome = e instanceof LeaseLostError || controller.signal.aborted ? "lease_lost" : "failed";
    const counts = context.progress;
    const error = e instanceof LeaseLostError || !controller.signal.aborted
      ? e
      : new LeaseLostError(`lease ${options.lease} lost: ${lostReason}; then ${(e as Error)?.message ?? String(e)}`);
    await sql
      .finishRun({ runId: begin.run_id, outcome, counts, error: (error as Error)?.message ?? String(error) })
      .catch(() => {}); // the run row stays unfinished: visible as a crashed run
    throw error;
  }
}

class RenewTimeout extends Error {
  override name = "RenewTimeout";
}
