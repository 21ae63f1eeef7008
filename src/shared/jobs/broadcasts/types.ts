// What the broadcasts core works with: the row (declared with the entry points
// that return it, in src/shared/data/broadcasts.ts),
// and the provider as a small port (the Resend client satisfies it).
import type { BroadcastRow } from "../../data/broadcasts.ts";
import type { ResendClient } from "../../providers/resend/client.ts";
import type { Clock, Db } from "../../ports.ts";

export type { BroadcastAction, BroadcastRow, SendStatus } from "../../data/broadcasts.ts";

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
