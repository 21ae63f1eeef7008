// Which provider calls an operation needs, decided from the row alone (pure).
//
// Resend has no "move a schedule": a scheduled broadcast is cancelled back to
// draft and sent again. Cancel comes first, so a rejected cancel leaves the old
// schedule intact (roll back to scheduled), and a rejected send after a
// successful cancel leaves the provider with a draft (roll back to draft). The
// other order could leave two live schedules: the double send this job exists
// to prevent.
import type { BroadcastRow } from "./types.ts";

export type ProviderStep =
  | { kind: "create" }
  | { kind: "cancel" }
  | { kind: "send"; scheduledAt: Date | null };

export function stepsFor(row: BroadcastRow): ProviderStep[] {
  const create: ProviderStep[] = row.provider_broadcast_id ? [] : [{ kind: "create" }];
  const at = row.pending_publish_at ? new Date(row.pending_publish_at) : null;
  switch (row.pending_action) {
    case "schedule":
      return [...create, { kind: "send", scheduledAt: at }];
    case "send":
      return row.previous_status === "scheduled"
        ? [{ kind: "cancel" }, { kind: "send", scheduledAt: null }]
        : [...create, { kind: "send", scheduledAt: null }];
    case "reschedule":
      return [{ kind: "cancel" }, { kind: "send", scheduledAt: at }];
    case "cancel":
      return [{ kind: "cancel" }];
    default:
      throw new Error(`broadcast ${row.id} has no operation in flight`);
  }
}

/** Where a definite rejection leaves the row: what the provider now has. */
export function rollbackStatus(row: BroadcastRow, cancelled: boolean): "draft" | "scheduled" {
  if (cancelled) return "draft";
  return row.previous_status ?? "draft";
}

/**
 * The name every provider broadcast of a row carries (the broadcasts
 * migration builds the same name in SQL): stable for the row's life, so a
 * create whose answer was lost is found by listing, not created again.
 */
export function providerName(broadcastId: string): string {
  return `broadcast:${broadcastId}`;
}
