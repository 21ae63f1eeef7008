// An editor's (or operator's) action on one broadcast: begin (phase one, in
// SQL), then drive (provider call with the stored key, then settle).
import { ConflictError } from "../../errors.ts";
import { driveOperation } from "./drive.ts";
import type { BroadcastAction, BroadcastPorts, BroadcastRow, DriveResult } from "./types.ts";

export interface ActionRequest {
  action: BroadcastAction;
  broadcastId: string;
  publishAt?: Date;
}

interface BeginAnswer {
  started: boolean;
  resumed?: boolean;
  row: BroadcastRow;
  reason?: string;
}

export type ActionResult = DriveResult & { resumed: boolean };

/**
 * Throws ConflictError (409, details = the current row) when the broadcast is
 * in flight or in the wrong state: no provider call is made then.
 */
export async function runBroadcastAction(ports: BroadcastPorts, request: ActionRequest): Promise<ActionResult> {
  const begun = await ports.db.rpc<BeginAnswer>("broadcast_begin", {
    p_id: request.broadcastId,
    p_action: request.action,
    p_publish_at: request.publishAt ?? null,
  });
  if (!begun.started) {
    throw new ConflictError(begun.reason ?? `cannot ${request.action} now`, { broadcast: begun.row });
  }
  const result = await driveOperation(ports, begun.row);
  return { ...result, resumed: begun.resumed === true };
}
