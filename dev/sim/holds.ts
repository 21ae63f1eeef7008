// Holding calls open on purpose, so a test can park one run inside an outside
// call (Braze, Resend, Auth admin) while another run proceeds, and release it
// when the interleaving it wants to test is in place. Shared by every simulator.

import { endpointMatches } from "./common.ts";

export interface HeldCall {
  id: number;
  endpoint: string;
  body: unknown;
  since: string;
}

interface Parked extends HeldCall {
  release: () => void;
}

export class Holds {
  private rules: { endpoint: string; remaining: number }[] = [];
  private parked: Parked[] = [];
  private nextId = 1;

  add(endpoint: string, count: number): void {
    this.rules.push({ endpoint, remaining: count });
  }

  /** Resolves at once unless a hold rule claims this call. */
  wait(path: string, body: unknown, nowIso: string): Promise<void> {
    const rule = this.rules.find((r) => r.remaining > 0 && endpointMatches(r.endpoint, path));
    if (!rule) return Promise.resolve();
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return new Promise<void>((resolve) => {
      this.parked.push({ id: this.nextId++, endpoint: path, body, since: nowIso, release: resolve });
    });
  }

  /** Lets held calls go and drops unused rules for the same endpoint, so nothing stays armed by accident. */
  release(endpoint?: string): number {
    const matches = (path: string) => endpoint === undefined || endpointMatches(endpoint, path);
    const going = this.parked.filter((p) => matches(p.endpoint));
    this.parked = this.parked.filter((p) => !matches(p.endpoint));
    this.rules = this.rules.filter((r) =>
      endpoint !== undefined && !endpointMatches(endpoint, r.endpoint) && !endpointMatches(r.endpoint, endpoint)
    );
    // In arrival order, so released calls reach the state the way they came in.
    for (const p of going) p.release();
    return going.length;
  }

  list(): HeldCall[] {
    return this.parked.map(({ release: _release, ...call }) => call);
  }
}
