// One summary of latency samples for every library. tinybench's own statistics are not used
// because the PyTorch peer samples in Python: summarising every library's raw samples with the
// same function is what makes their medians and spreads comparable.

/** Latency statistics of one task, in milliseconds per call. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  /** 25th and 75th percentiles: the interquartile range is the spread shown next to the median. */
  p25: number;
  p75: number;
  /** Relative margin of error of the mean at 95% (percent, Student's t). */
  rme: number;
  samples: number;
}

/** Linear-interpolated quantile of sorted values (the definition numpy and tinybench use). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile of no samples');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Two-sided 95% critical value of Student's t with `df` degrees of freedom. */
export function tCritical95(df: number): number {
  // Exact for small df (a table), then the Cornish–Fisher expansion, within 1e-3 of the true value.
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];
  if (df < 1) return NaN;
  if (df <= table.length) return table[df - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** Summarises latency samples (ms). Needs at least one sample; rme is 0 for a single one. */
export function summarize(samples: readonly number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const sem = Math.sqrt(variance / n);
  const rme = n > 1 && mean > 0 ? (100 * tCritical95(n - 1) * sem) / mean : 0;
  return { median: quantile(s, 0.5), min: s[0], max: s[n - 1], p25: quantile(s, 0.25), p75: quantile(s, 0.75), rme, samples: n };
}
