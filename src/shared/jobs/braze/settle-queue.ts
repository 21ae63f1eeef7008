// Settles Braze outcomes in the ledger in batches: one ledger_settle call
// carries every outcome that arrived within a short window (or a full batch),
// with at most one call in flight. Measured by bench/scheduler.ts: settling as
// soon as the queue was idle gave one round trip per ~1.7 Braze answers (a
// settle takes a few ms, answers arrive every ~12 ms at concurrency 16); with
// a 200 ms window 1,000 updates took 61 settles, but paced creates (one every
// 250 ms) still took one settle each. A 1 s window bounds both by the run's
// length in seconds. An outcome is recorded at most one window plus one round
// trip after its call finished; a crash inside that window leaves the row in
// its intermediate state with its attempt id, which is what reconcile repairs.
// The scheduler does not leave a finished batch's answers to the window: it
// takes them (take) onto the next batch's ledger_begin, so a crash leaves
// unknown only the batch in flight.
import { ledger, type SettleItem } from "../../data/ledger.ts";
import { LeaseLostError } from "../../errors.ts";
import type { Db } from "../../ports.ts";
import type { LeaseContext } from "../lease.ts";

export type { SettleItem };

const WINDOW_MS = 1_000;

export class SettleQueue {
  private pending: SettleItem[] = [];
  private inFlight: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failure: unknown = null;
  /** How many settle calls were made (for run counts and the benchmark). */
  calls = 0;

  /** A settle failed: outcomes can no longer be recorded, so start no further call. */
  get failed(): boolean {
    return this.failure !== null;
  }

  constructor(
    private readonly db: Db,
    /** The fence: the campaign's lease and token; lose() is told of a lease_lost answer. */
    private readonly lease: Pick<LeaseContext, "lease" | "token"> & Partial<Pick<LeaseContext, "lose">> & {
      campaignId: string;
    },
    private readonly options: { windowMs?: number; maxBatch?: number } = {},
  ) {}

  push(item: SettleItem): void {
    this.pending.push(item);
    if (this.pending.length >= (this.options.maxBatch ?? 200)) this.kick();
    else if (!this.timer && !this.inFlight) {
      this.timer = setTimeout(() => this.kick(), this.options.windowMs ?? WINDOW_MS);
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight || this.pending.length === 0 || this.failure !== null) return;
    this.inFlight = this.flush().finally(() => {
      this.inFlight = null;
      // Outcomes that arrived during the flight wait for the next window.
      if (this.pending.length > 0 && this.failure === null && !this.timer) {
        this.timer = setTimeout(() => this.kick(), this.options.windowMs ?? WINDOW_MS);
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      this.calls++;
      await ledger(this.db).settle(
        { lease: this.lease.lease, token: this.lease.token, campaignId: this.lease.campaignId },
        batch,
      );
    } catch (e) {
      // Lease lost or database gone: the rows stay in their intermediate
      // state with their attempt ids, which is what reconcile repairs. A
      // lease_lost answer proves another holder may be acting: stop the run
      // now, not at its next renewal. Any other failure also means no further
      // outcome can be recorded, so no further call should start (failed).
      this.failure = e;
      if (e instanceof LeaseLostError) this.lease.lose?.(`a settle was answered lease_lost: ${e.message}`);
    }
  }

  /**
   * Hands over the outcomes not yet settled, once any settle in flight has
   * finished, to a caller that settles them in its own round trip
   * (ledger_begin's outcomes). Give them back with restore() if that fails.
   */
  async take(): Promise<SettleItem[]> {
    if (this.inFlight) await this.inFlight;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const items = this.pending;
    this.pending = [];
    return items;
  }

  /** Outcomes a caller took and could not settle: the next flush or drain settles them. */
  restore(items: SettleItem[]): void {
    this.pending = [...items, ...this.pending];
  }

  /** Settles everything pushed so far, now; rethrows the first settle failure. */
  async drain(): Promise<void> {
    for (;;) {
      this.kick();
      if (!this.inFlight) break;
      await this.inFlight;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.failure !== null) throw this.failure;
  }
}

/**
 * Works through `items` one batch at a time, as wide as `width`, the way both
 * Braze jobs write to Braze: before each batch the answers of the one before
 * are taken from the queue and handed to `begin`, which writes the batch's
 * intents and settles those answers in one round trip (ledger_begin's
 * outcomes); then `run` makes the batch's calls and pushes their answers. So
 * at any moment only the batch in flight is between states. Answers taken
 * for a begin that fails go back to the queue; on any failure the queue is
 * drained best-effort before the error is rethrown. Returns how many items
 * were begun (the rest were never started).
 */
export async function inBatches<T, B>(
  settle: SettleQueue,
  items: T[],
  run: {
    width: number;
    /** Checked before each batch: false stops the loop (the rest is never begun). */
    mayStart: () => boolean;
    /** Throws when the run can no longer prove it holds its lease. */
    assertLive: () => void;
    begin: (batch: T[], answered: SettleItem[]) => Promise<B>;
    calls: (batch: T[], begun: B) => Promise<void>;
  },
): Promise<number> {
  let next = 0;
  try {
    while (next < items.length && run.mayStart()) {
      run.assertLive();
      const answered = await settle.take();
      if (!run.mayStart()) {
        settle.restore(answered);
        break;
      }
      const batch = items.slice(next, next + run.width);
      next += batch.length;
      const begun = await run.begin(batch, answered).catch((e) => {
        settle.restore(answered);
        throw e;
      });
      await run.calls(batch, begun);
    }
  } catch (e) {
    // Answers already in hand are recorded if the database still takes them
    // (a failed begin or a lost lease leaves them to reconcile otherwise).
    await settle.drain().catch(() => {});
    throw e;
  }
  await settle.drain();
  return next;
}
