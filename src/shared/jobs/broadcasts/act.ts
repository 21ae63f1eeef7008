// An editor's (or operator's) action on one broadcast: begin (phase one, in
// SQL), then drive (provider call with the stored key, then settle).
import { broadcasts } from "../../data/broadcasts.ts";
import { ConflictError } from "../../errors.ts";
import { driveOperation } from "./drive.ts";
import type { BroadcastAction, BroadcastPorts, BroadcastRow } from "./types.ts";

export interface ActionRequest {
  action: BroadcastAction;
  broadcastId: string;
  publishAt?: Date;
}

/** What the editor is told: done, refused (the row says what the provider has), or not known yet. */
export type ActionResult =
  & (
    | { outcome: "confirmed"; row: BroadcastRow }
    | { outcome: "rolled_back"; row: BroadcastRow; error: string }
    | { outcome: "uncertain"; row: BroadcastRow | null; error: string }
  )
  & { resumed: boolean };

/**
 * Throws ConflictError (409, details = the current row) when the broadcast is
 * in flight or in the wrong state: no provider call is made then.
 */
export async function runBroadcastAction(ports: BroadcastPorts, request: ActionRequest): Promise<ActionResult> {
  const begun = await broadcasts(ports.db).begin({
    id: request.broadcastId,
    action: request.action,
    publishAt: request.publishAt,
  });
  if (!begun.started) {
    throw new ConflictError(begun.reason ?? `cannot ${request.action} now`, { broadcast: begun.row });
  }
  const result = await driveOperation(ports, begun.row, { mode: "editor" });
  const resumed = begun.resumed === true;
  switch (result.outcome) {
    case "confirmed":
    case "rolled_back":
    case "uncertain":
      return { ...result, resumed };
    case "settled":
      // Read back: the operation did not take effect, and the row now says
      // what the provider has instead.
      return {
        outcome: "rolled_back",
        row: result.row,
        error: result.error ?? "the provider has another state",
        resumed,
      };
    case "unresolved":
      return { outcome: "uncertain", row: result.row, error: result.error, resumed };
  }
}
