import { describe, expect, it } from 'vitest';
import { quantile, summarize, tCritical95 } from '../src/stats.js';

describe('statistics', () => {
  it('interpolates quantiles linearly', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75);
    expect(quantile([7], 0.75)).toBe(7);
  });

  it("uses Student's t for the margin of error", () => {
    expect(tCritical95(1)).toBe(12.706);
    expect(tCritical95(30)).toBeCloseTo(2.042, 2);
    expect(tCritical95(1000)).toBeCloseTo(1.962, 2);
  });

  it('summarises samples in any order', () => {
    const s = summarize([3, 1, 2, 5, 4]);
    expect(s).toMatchObject({ median: 3, min: 1, max: 5, p25: 2, p75: 4, samples: 5 });
    // mean 3, sd √2.5, sem √0.5, t(4) = 2.776
    expect(s.rme).toBeCloseTo((100 * 2.776 * Math.sqrt(0.5)) / 3, 6);
    expect(summarize([2]).rme).toBe(0);
  });
});
