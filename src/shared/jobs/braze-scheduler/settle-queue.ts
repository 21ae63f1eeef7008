// Settles Braze outcomes in the ledger in batches: at most one ledger_settle
// call in flight, carrying everything that finished while the previous one
// ran. Round trips then grow with the run's duration, not its match count,
// and each outcome is recorded within one round trip of the call finishing.
import type { Db } from "../../ports.ts";
import type { LeaseContext } from "../lease.ts";

export interface SettleItem {
  id: number;
  version: number;
  outcome: "ok" | "failed" | "uncertain" | "lost";
  braze_schedule_id?: string;
  error?: string;
}

export class SettleQueue {
  private pending: SettleItem[] = [];
  private inFlight: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(private readonly db: Db, private readonly lease: Pick<LeaseContext, "lease" | "token">) {}

  push(item: SettleItem): void {
    this.pending.push(item);
    if (!this.inFlight) this.inFlight = this.flush();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0 && this.failure === null) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.db.rpc("ledger_settle", { p_lease: this.lease.lease, p_token: this.lease.token, p_results: batch });
      } catch (e) {
        // Lease lost or database gone: the rows stay in their intermediate
        // state with their attempt ids, which is what reconcile repairs.
        this.failure = e;
      }
    }
    this.inFlight = null;
  }

  /** Waits for everything pushed so far; rethrows the first settle failure. */
  async drain(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.failure !== null) throw this.failure;
  }
}
