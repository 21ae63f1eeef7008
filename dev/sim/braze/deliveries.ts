// What reached users. A fired schedule is not yet a delivery: with a send
// guard, each recipient's message is rendered from the campaign's template
// and counts only if the template did not abort. Without one, every fire is
// a delivery (no rendering), as the simulator always behaved.
import type { SimFired } from "./state.ts";
import {
  ConnectedContentCache,
  type GuardAsk,
  PushRenderer,
  type Recipient,
  type RecipientRender,
  type SendGuardOption,
} from "./render.ts";

export interface SimDelivery {
  schedule_id: string;
  campaign_id: string;
  /** trigger_properties.match_id, as a string (the key of delivered_per_match). */
  match_id: string | null;
  guard_key: string | null;
  send_at: string;
  fired_at: string;
  /**
   * delivered: every recipient got the push; aborted: none did; partial: some
   * did (recipients' guard asks answered differently); error: the template
   * could not render.
   */
  outcome: "delivered" | "aborted" | "partial" | "error";
  rendered: boolean;
  recipients: RecipientRender[];
  guard_asks: GuardAsk[];
}

/**
 * Who a broadcast reaches. Two recipients by default, in two languages, so
 * the second ask of a schedule normally comes from the Connected Content
 * cache and the localized names are exercised.
 */
export const DEFAULT_RECIPIENTS: Recipient[] = [{ language: "en" }, { language: "de" }];

export class Deliveries {
  readonly list: SimDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly cache = new ConnectedContentCache();
  private readonly renderer: PushRenderer | undefined;

  constructor(
    guard: SendGuardOption | undefined,
    private readonly nowMs: () => number,
    private readonly recipients: Recipient[] = DEFAULT_RECIPIENTS,
  ) {
    this.renderer = guard ? new PushRenderer({ guard, cache: this.cache, nowMs }) : undefined;
  }

  /** Starts each fired schedule's delivery; idle() waits for them. */
  deliver(fired: SimFired[]): void {
    for (const f of fired) {
      const job = this.one(f).finally(() => this.pending.delete(job));
      this.pending.add(job);
    }
  }

  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  reset(): void {
    this.list.length = 0;
    this.cache.clear();
  }

  /** Deliveries that reached at least one user, by match. */
  perMatch(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const d of this.list) {
      if (d.match_id === null || (d.outcome !== "delivered" && d.outcome !== "partial")) continue;
      out[d.match_id] = (out[d.match_id] ?? 0) + 1;
    }
    return out;
  }

  private async one(f: SimFired): Promise<void> {
    const p = f.trigger_properties;
    const base = {
      schedule_id: f.schedule_id,
      campaign_id: f.campaign_id,
      match_id: p.match_id === undefined || p.match_id === null ? null : String(p.match_id),
      guard_key: typeof p.guard_key === "string" ? p.guard_key : null,
      send_at: f.send_at,
      fired_at: f.fired_at,
    };
    if (!this.renderer) {
      this.list.push({ ...base, outcome: "delivered", rendered: false, recipients: [], guard_asks: [] });
      return;
    }
    // Recipients one after another, as the cache is meant to be used: the
    // first ask fills it, later recipients of the same schedule read it.
    const recipients: RecipientRender[] = [];
    const asks: GuardAsk[] = [];
    for (const r of this.recipients) {
      const out = await this.renderer.render(p, r);
      recipients.push(out.render);
      asks.push(...out.asks);
    }
    const sent = recipients.filter((r) => r.outcome === "sent").length;
    const outcome = recipients.some((r) => r.outcome === "error")
      ? "error"
      : sent === recipients.length
      ? "delivered"
      : sent === 0
      ? "aborted"
      : "partial";
    this.list.push({ ...base, outcome, rendered: true, recipients, guard_asks: asks });
  }
}
