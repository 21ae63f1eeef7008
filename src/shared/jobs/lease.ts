// Running a job under its lease: begin (take lease + record run), heartbeat,
// finish (record outcome + release). Shared by every lease-holding job.
import { LeaseLostError, LockedError } from "../errors.ts";
import type { Db } from "../ports.ts";

export interface LeaseContext {
  runId: string;
  lease: string;
  token: number;
  /** Aborted as soon as a renewal fails: start no new outside call after that. */
  signal: AbortSignal;
  assertLive(): void;
  /** What the run has done so far; recorded in job_runs even if the run fails. */
  progress: Record<string, unknown>;
}

export interface LeaseOptions {
  job: string;
  lease: string;
  holder: string;
  ttlSeconds: number;
  /** Renew this often; default a third of the TTL, so two renewals may fail before expiry. */
  heartbeatMs?: number;
}

interface BeginResult {
  run_id: string;
  acquired: boolean;
  token?: number;
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
  const begin = await db.rpc<BeginResult>("begin_job_run", {
    p_job: options.job,
    p_lease: options.lease,
    p_holder: options.holder,
    p_ttl_seconds: options.ttlSeconds,
  });
  if (!begin.acquired || begin.token === undefined) {
    throw new LockedError(`${options.lease} is held by another run`);
  }
  const token = Number(begin.token);
  const controller = new AbortController();
  let lostReason: string | undefined;
  const heartbeatMs = options.heartbeatMs ?? Math.max(250, (options.ttlSeconds * 1000) / 3);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const beat = async () => {
    if (stopped) return;
    try {
      await db.rpc("renew_job_lease", { p_job: options.lease, p_token: token, p_ttl_seconds: options.ttlSeconds });
      if (!stopped) timer = setTimeout(beat, heartbeatMs);
    } catch (e) {
      // A lost or unconfirmable renewal both mean: we can no longer prove we
      // hold the lease, so stop starting outside calls now.
      lostReason = (e as Error).message;
      controller.abort(new LeaseLostError(lostReason));
    }
  };
  timer = setTimeout(beat, heartbeatMs);

  const context: LeaseContext = {
    runId: begin.run_id,
    lease: options.lease,
    token,
    signal: controller.signal,
    progress: {},
    assertLive() {
      if (controller.signal.aborted) throw new LeaseLostError(`lease ${options.lease} lost: ${lostReason}`);
    },
  };

  try {
    const counts = await work(context);
    stopped = true;
    clearTimeout(timer);
    await db.rpc("finish_job_run", { p_run_id: begin.run_id, p_outcome: "completed", p_counts: counts });
    return { runId: begin.run_id, counts };
  } catch (e) {
    stopped = true;
    clearTimeout(timer);
    const outcome = e instanceof LeaseLostError ? "lease_lost" : "failed";
    const counts = context.progress;
    await db
      .rpc("finish_job_run", { p_run_id: begin.run_id, p_outcome: outcome, p_counts: counts, p_error: (e as Error)?.message ?? String(e) })
      .catch(() => {}); // the run row stays unfinished: visible as a crashed run
    throw e;
  }
}
