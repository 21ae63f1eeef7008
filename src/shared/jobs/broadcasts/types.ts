// What the broadcasts core works with: the row (declared with the entry points
// that return it, in src/shared/data/broadcasts.ts),
// and the provider as a port (ports.ts; the Resend client satisfies it).
import type { BroadcastRow } from "../../data/broadcasts.ts";
import type { Db, EmailBroadcasts } from "../../ports.ts";

export type { BroadcastAction, BroadcastRow, SendStatus } from "../../data/broadcasts.ts";

export type BroadcastProvider = EmailBroadcasts;

export interface BroadcastPorts {
  db: Db;
  provider: BroadcastProvider;
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
