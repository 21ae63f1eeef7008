// What the broadcasts core works with: the row as the SQL functions return it,
// and the provider as a small port (the Resend client satisfies it).
import type { ResendClient } from "../../providers/resend/client.ts";
import type { Clock, Db } from "../../ports.ts";

export type BroadcastAction = "schedule" | "send" | "reschedule" | "cancel";

export type SendStatus =
  | "draft"
  | "scheduling"
  | "scheduled"
  | "sending"
  | "sent"
  | "rescheduling"
  | "cancelling"
  | "failed"
  | "canceled"
  | "uncertain"
  | "unresolved";

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
  operation_key: string | null;
  attempts: number;
  last_error: string | null;
  version: number;
  updated_at: string;
}

export type BroadcastProvider = Pick<
  ResendClient,
  "createBroadcast" | "sendBroadcast" | "cancelBroadcast" | "getBroadcast" | "findBroadcastsByName"
>;

export interface BroadcastPorts {
  db: Db;
  provider: BroadcastProvider;
  clock: Clock;
}

/** How one drive of an operation ended. */
export type DriveResult =
  | { outcome: "confirmed"; row: BroadcastRow }
  | { outcome: "rolled_back"; row: BroadcastRow; error: string }
  | { outcome: "uncertain"; row: BroadcastRow | null; error: string }
  /** The provider's state was read back and the row moved to match it. */
  | { outcome: "settled"; row: BroadcastRow; error?: string }
  /** The resolver could not read the provider within its bound of attempts. */
  | { outcome: "unresolved"; row: BroadcastRow | null; error: string };
