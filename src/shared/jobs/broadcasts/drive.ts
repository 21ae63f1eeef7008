// Phase two of an operation the row already records (send_status intermediate,
// idempotency_key stored): call the provider with the stored key, then settle
// the row. The same function finishes a first attempt, an editor's retry of an
// uncertain row and the resolver's takeover, so they cannot disagree.
import { UpstreamError } from "../../errors.ts";
import { rollbackStatus, stepsFor } from "./plan.ts";
import type { BroadcastPorts, BroadcastRow, DriveResult } from "./types.ts";

export async function driveOperation(ports: BroadcastPorts, row: BroadcastRow): Promise<DriveResult> {
  const key = row.idempotency_key;
  if (!key) throw new Error(`broadcast ${row.id} has no idempotency key`);
  const owned = { p_id: row.id, p_version: row.version, p_key: key };
  let providerId = row.provider_broadcast_id;
  let cancelled = false;
  let done: string[] = [];

  try {
    for (const step of stepsFor(row)) {
      if (step.kind === "create") {
        providerId = (await ports.provider.createBroadcast({
          idempotencyKey: key, audienceId: row.audience_id, subject: row.subject, html: row.content_html, name: `broadcast ${row.id}`,
        })).id;
      } else if (step.kind === "cancel") {
        await ports.provider.cancelBroadcast({ idempotencyKey: key, broadcastId: requireId(row, providerId) });
        cancelled = true;
      } else {
        await ports.provider.sendBroadcast({ idempotencyKey: key, broadcastId: requireId(row, providerId), scheduledAt: step.scheduledAt });
      }
      done = [...done, step.kind];
    }
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    if (e instanceof UpstreamError && e.outcome === "rejected") {
      const error = done.length ? `${message} (after ${done.join(", ")} succeeded)` : message;
      const settled = await ports.db.rpc<BroadcastRow>("broadcast_rollback", {
        ...owned, p_error: error, p_provider_broadcast_id: providerId, p_to_status: rollbackStatus(row, cancelled),
      });
      return { outcome: "rolled_back", row: settled, error };
    }
    // Unknown: the provider may have done it. Keep the key for a safe repeat.
    const error = `${row.pending_action} outcome unknown with key ${key}: ${message}; repeating it with the same key is safe`;
    return { outcome: "uncertain", row: await markUncertain(ports, owned, error, providerId), error };
  }

  try {
    const settled = await ports.db.rpc<BroadcastRow>("broadcast_confirm", { ...owned, p_provider_broadcast_id: providerId });
    return { outcome: "confirmed", row: settled };
  } catch (e) {
    // The divergence of seed 000: the provider has it, the database does not
    // say so yet. Say exactly that on the row; the retry replays the key.
    const error = `the provider accepted ${row.pending_action} (broadcast ${providerId}, key ${key}) ` +
      `but recording it failed: ${(e as Error)?.message ?? String(e)}; repeating it with the same key finishes it without a second send`;
    return { outcome: "uncertain", row: await markUncertain(ports, owned, error, providerId), error };
  }
}

/**
 * Best effort: when the database is down this fails too, and the row stays in
 * its intermediate state until the resolver's grace period has passed.
 */
async function markUncertain(
  ports: BroadcastPorts,
  owned: { p_id: string; p_version: number; p_key: string },
  error: string,
  providerId: string | null,
): Promise<BroadcastRow | null> {
  try {
    return await ports.db.rpc<BroadcastRow>("broadcast_mark_uncertain", { ...owned, p_error: error, p_provider_broadcast_id: providerId });
  } catch {
    return null;
  }
}

function requireId(row: BroadcastRow, providerId: string | null): string {
  if (!providerId) throw new Error(`broadcast ${row.id} has no provider broadcast id`);
  return providerId;
}
