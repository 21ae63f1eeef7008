// One row of the benchmark table: wall time, Braze calls (and 429s) as the
// Braze simulator recorded them in /_sim/state, database round trips as the
// variant counted them, and peak RSS.
import { simClient } from "../../dev/sim/braze.ts";
import { withPeakRss } from "./peak-rss.ts";

export interface Measurement {
  variant: string;
  matches: number;
  wallSeconds: number;
  brazeCalls: number;
  braze429s: number;
  dbRoundTrips: number;
  peakRssMb: number;
  /** What the run reported doing, so a fast row that did nothing is visible. */
  outcome: string;
}

export interface VariantResult {
  roundTrips: number;
  outcome: string;
}

export async function measure(
  brazeUrl: string,
  row: { variant: string; matches: number },
  work: () => Promise<VariantResult>,
): Promise<Measurement> {
  const sim = simClient(brazeUrl);
  const callsBefore = (await sim.state()).calls.length;
  const started = performance.now();
  const { result, peakRssMb } = await withPeakRss(work);
  const wallSeconds = (performance.now() - started) / 1000;
  const calls = (await sim.state()).calls.slice(callsBefore);
  return {
    ...row,
    wallSeconds,
    brazeCalls: calls.length,
    braze429s: calls.filter((c) => c.status === 429).length,
    dbRoundTrips: result.roundTrips,
    peakRssMb,
    outcome: result.outcome,
  };
}
