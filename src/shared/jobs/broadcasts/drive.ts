// Phase two of an operation the row already records (send_status
// intermediate, operation_key stored). The same function finishes a first
// attempt, an editor's retry of an uncertain row and the resolver's takeover,
// so they cannot disagree.
//
// Resend does not deduplicate broadcast requests (no Idempotency-Key on
// /broadcasts: https://resend.com/docs/dashboard/emails/idempotency-keys), so a
// provider call whose answer was lost is never made again. A first attempt
// calls the provider; every later drive of the same operation only READS the
// provider's state and moves the row to match it.
import { broadcasts, type OperationRef, requeueStatement } from "../../data/broadcasts.ts";
import { UpstreamError } from "../../errors.ts";
import type { ProviderBroadcast } from "../../ports.ts";
import { providerName, rollbackStatus, stepsFor } from "./plan.ts";
import type { BroadcastPorts, BroadcastRow, DriveResult } from "./types.ts";

export interface DriveOptions {
  /**
   * "editor": a retry settles the row only when the provider shows the
   * operation done; otherwise the row stays uncertain, because a request that
   * timed out moments ago may still land. "resolver" (after the grace period):
   * the row becomes whatever the provider has.
   */
  mode: "editor" | "resolver";
  /** Resolver only: at this many attempts, a row whose provider state cannot be read becomes unresolved. */
  maxAttempts?: number;
}

export async function driveOperation(
  ports: BroadcastPorts,
  row: BroadcastRow,
  options: DriveOptions,
): Promise<DriveResult> {
  if (!row.operation_key) throw new Error(`broadcast ${row.id} has no operation in flight`);
  // attempts is 1 only for the drive that phase one started from a resting
  // row: no provider call of this operation can have been made yet.
  return row.attempts <= 1 ? firstAttempt(ports, row) : reconcile(ports, row, options);
}

async function firstAttempt(ports: BroadcastPorts, row: BroadcastRow): Promise<DriveResult> {
  const key = row.operation_key!;
  const sql = broadcasts(ports.db);
  let owned: OperationRef = { id: row.id, version: row.version, key };
  let providerId = row.provider_broadcast_id;
  let cancelled = false;
  let done: string[] = [];

  try {
    for (const step of stepsFor(row)) {
      if (step.kind === "create") {
        providerId = (await ports.provider.createBroadcast({
          segmentId: row.audience_id,
          subject: row.subject,
          html: row.content_html,
          name: providerName(row.id),
        })).id;
        // Its own write, before any send: a crash after this point leaves an
        // id to read back, never a broadcast only memory knew about.
        try {
          const recorded = await sql.recordProviderId(owned, providerId);
          owned = { ...owned, version: recorded.version };
        } catch (e) {
          const error =
            `the provider created broadcast ${providerId} for ${row.pending_action} but recording its id failed: ` +
            `${message(e)}; nothing was sent, and the broadcast is found again by its name ${providerName(row.id)}`;
          return { outcome: "uncertain", row: await markUncertain(ports, owned, error), error };
        }
      } else if (step.kind === "cancel") {
        await ports.provider.cancelBroadcast({ broadcastId: requireId(row, providerId) });
        cancelled = true;
      } else {
        await ports.provider.sendBroadcast({ broadcastId: requireId(row, providerId), scheduledAt: step.scheduledAt });
      }
      done = [...done, step.kind];
    }
  } catch (e) {
    // "rejected" is the answer to the first and only attempt of this request
    // (the client repeats a write only after 429 or a connection never
    // opened), so the provider certainly did not do it.
    if (e instanceof UpstreamError && e.outcome === "rejected") {
      const error = done.length ? `${message(e)} (after ${done.join(", ")} succeeded)` : message(e);
      const settled = await sql.rollback(owned, { error, toStatus: rollbackStatus(row, cancelled) });
      return { outcome: "rolled_back", row: settled, error };
    }
    const error = `${row.pending_action} outcome unknown (${key}): ${message(e)}` +
      (done.length ? ` (after ${done.join(", ")} succeeded)` : "") +
      "; the provider's state is read back before anything else is done";
    return { outcome: "uncertain", row: await markUncertain(ports, owned, error), error };
  }

  try {
    return { outcome: "confirmed", row: await sql.confirm(owned) };
  } catch (e) {
    const error =
      `the provider accepted ${row.pending_action} (broadcast ${providerId}) but recording it failed: ${message(e)}; ` +
      "the provider's state is read back to finish it";
    return { outcome: "uncertain", row: await markUncertain(ports, owned, error), error };
  }
}

type ProviderState = { id: string | null; status: ProviderBroadcast["status"] | "absent"; scheduledAt: string | null };

async function reconcile(ports: BroadcastPorts, row: BroadcastRow, options: DriveOptions): Promise<DriveResult> {
  const sql = broadcasts(ports.db);
  const owned: OperationRef = { id: row.id, version: row.version, key: row.operation_key! };
  let state: ProviderState;
  try {
    state = await readProviderState(ports, row);
  } catch (e) {
    const error = `could not read the provider's state after ${row.pending_action} (attempt ${row.attempts}): ${
      message(e)
    }`;
    if (options.mode === "resolver" && row.attempts >= (options.maxAttempts ?? Number.POSITIVE_INFINITY)) {
      const reason = `${error}; the resolver gave up after ${row.attempts} attempts: ` +
        `check the broadcast at Resend, then ${requeueStatement(row.id)}`;
      try {
        return {
          outcome: "unresolved",
          row: await sql.markUnresolved(owned, reason),
          error: reason,
        };
      } catch {
        return { outcome: "uncertain", row: null, error };
      }
    }
    return { outcome: "uncertain", row: await markUncertain(ports, owned, error), error };
  }

  if (options.mode === "editor" && !reachedTarget(row, state)) {
    const error = `${row.pending_action} is not visible at the provider yet (it has the broadcast ${state.status}); ` +
      "a request that timed out may still land there, so the resolver settles the row after its grace period";
    return { outcome: "uncertain", row: await markUncertain(ports, owned, error), error };
  }

  try {
    const settled = await sql.settleToProvider(owned, {
      providerBroadcastId: state.id,
      providerStatus: state.status,
      scheduledAt: state.scheduledAt,
    });
    return settled.last_error
      ? { outcome: "settled", row: settled, error: settled.last_error }
      : { outcome: "confirmed", row: settled };
  } catch (e) {
    // The row stays claimed (intermediate); the next resolver run takes it again.
    return {
      outcome: "uncertain",
      row: null,
      error: `read the provider's state but recording it failed: ${message(e)}`,
    };
  }
}

/**
 * By the stored id, or (when the answer to a create was lost) by our name in
 * the provider's list. Of several broadcasts with our name (a create that
 * landed after the resolver looked), the one that can send wins; the others
 * are drafts that nothing ever sends.
 */
async function readProviderState(ports: BroadcastPorts, row: BroadcastRow): Promise<ProviderState> {
  if (row.provider_broadcast_id) {
    const b = await ports.provider.getBroadcast(row.provider_broadcast_id);
    return b
      ? { id: b.id, status: b.status, scheduledAt: b.scheduledAt }
      : { id: null, status: "absent", scheduledAt: null };
  }
  const found = await ports.provider.findBroadcastsByName(providerName(row.id));
  const b = found.find((x) => x.status !== "draft") ?? found[0];
  return b
    ? { id: b.id, status: b.status, scheduledAt: b.scheduledAt }
    : { id: null, status: "absent", scheduledAt: null };
}

function reachedTarget(row: BroadcastRow, state: ProviderState): boolean {
  switch (row.pending_action) {
    case "schedule":
    case "reschedule":
      return state.status === "scheduled" && state.scheduledAt !== null && row.pending_publish_at !== null &&
        Date.parse(state.scheduledAt) === Date.parse(row.pending_publish_at);
    case "send":
      return state.status === "queued" || state.status === "sent";
    case "cancel":
      return state.status === "draft";
    default:
      return false;
  }
}

/**
 * Best effort: when the database is down this fails too, and the row stays in
 * its intermediate state until the resolver's grace period has passed.
 */
async function markUncertain(ports: BroadcastPorts, owned: OperationRef, error: string): Promise<BroadcastRow | null> {
  try {
    return await broadcasts(ports.db).markUncertain(owned, error);
  } catch {
    return null;
  }
}

function requireId(row: BroadcastRow, providerId: string | null): string {
  if (!providerId) throw new Error(`broadcast ${row.id} has no provider broadcast id`);
  return providerId;
}

function message(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}
