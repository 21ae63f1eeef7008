// One measured run: wall time, Braze calls (and 429s) as that workspace's
// Braze simulator recorded them in /_sim/state, database round trips as the
// variant counted them, and peak RSS.
import { simClient } from "../../dev/sim/braze.ts";
import { withPeakRss } from "./peak-rss.ts";

export interface VariantResult {
  roundTrips: number;
  /** What the run reported doing, so a fast row that did nothing is visible. */
  outcome: string;
}

export interface Measurement<R extends VariantResult = VariantResult> {
  wallSeconds: number;
  brazeCalls: number;
  braze429s: number;
  dbRoundTrips: number;
  peakRssMb: number;
  result: R;
}

export async function measure<R extends VariantResult>(
  brazeUrl: string,
  work: () => Promise<R>,
): Promise<Measurement<R>> {
  const sim = simClient(brazeUrl);
  const callsBefore = (await sim.state()).calls.length;
  const started = performance.now();
  const { result, peakRssMb } = await withPeakRss(work);
  const wallSeconds = (performance.now() - started) / 1000;
  const calls = (await sim.state()).calls.slice(callsBefore);
  return {
    wallSeconds,
    brazeCalls: calls.length,
    braze429s: calls.filter((c) => c.status === 429).length,
    dbRoundTrips: result.roundTrips,
    peakRssMb,
    result,
  };
}
