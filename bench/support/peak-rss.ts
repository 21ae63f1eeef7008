// Peak resident set size while a piece of work runs, sampled every 50 ms.
// It is the whole process's RSS: the simulators share this process, so the
// figure is an upper bound on what the scheduler itself needs.
export async function withPeakRss<T>(
  work: () => Promise<T>,
  intervalMs = 50,
): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, intervalMs);
  try {
    const result = await work();
    sample();
    return { result, peakRssMb: peak / (1024 * 1024) };
  } finally {
    clearInterval(timer);
  }
}
