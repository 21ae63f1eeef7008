// What the broadcasts core works with: the row as the SQL functions return it,
// and the provider as a small port (the Resend client satisfies it).
import type { ResendClient } from "../../providers/resend/client.ts";
import type { Clock, Db } from "../../ports.ts";

export type BroadcastAction = "schedule" | "send" | "reschedule" | "cancel";

export type SendStatus =
  | "draft" | "scheduling" | "scheduled" | "sending" | "sent"
  | "rescheduling" | "cancelling" | "failed" | "uncertain";

export interface BroadcastRow {
  id: string;
  subject: string;
  content_html: string;
  audience_id: string;
  publish_at: string | null;
  send_status: SendStatus;
  provider_broadcast_id: string | null;
  pending_action: BroadcastAction | null;
  pending_publish_at: string | null;
  previous_status: "draft" | "scheduled" | null;
  idempotency_key: string | null;
  attempts: number;
  last_error: string | null;
  version: number;
  updated_at: string;
}

export type BroadcastProvider = Pick<ResendClient, "createBroadcast" | "sendBroadcast" | "cancelBroadcast">;

export interface BroadcastPorts {
  db: Db;
  provider: BroadcastProvider;
  clock: Clock;
}

/** How one drive of an operation ended. */
export type DriveResult =
  | { outcome: "confirmed"; row: BroadcastRow }
  | { outcome: "rolled_back"; row: BroadcastRow; error: string }
  | { outcome: "uncertain"; row: BroadcastRow | null; error: string };
