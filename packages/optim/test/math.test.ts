// The scalar power used for bias corrections and closed-form schedules rounds as CPython's
// (glibc's pow), where V8's Math.pow is off by an ulp for some arguments.
import { describe, expect, it } from 'vitest';
import { pow } from '../src/math.js';

// [base, exponent, Python's base ** exponent] from /usr/bin/python3 (CPython on glibc)
const PYTHON: [number, number, number][] = [
  [0.9, 4, 0.6561], [0.9, 23, 0.08862938119652507], [0.9, 29, 0.047101286972462485], [0.999, 10, 0.9900448802097482],
  [0.999, 1000, 0.36769542477096373], [0.5, 3, 0.125], [0.95, 77, 0.01926271979590445], [0.1, 5, 1.0000000000000003e-5],
  [0.99, 150, 0.22145178723886091], [0.9, 6000, 2.8513900904532174e-275], [1.1, 1000, 2.4699329180060256e41], [0.3, 2, 0.09],
];

describe('pow', () => {
  it("matches Python's ** for integral exponents, where V8's differs", () => {
    for (const [b, n, expected] of PYTHON) expect(pow(b, n)).toBe(expected);
    expect(0.9 ** 4).not.toBe(0.6561); // why this exists
  });

  it('handles the edges like **', () => {
    expect(pow(0.9, 0)).toBe(1);
    expect(pow(0, 5)).toBe(0);
    expect(pow(0, 0)).toBe(1);
    expect(pow(10, 400)).toBe(Infinity);
    expect(pow(0.5, 1100)).toBe(0.5 ** 1100); // underflow falls back
    expect(pow(2, 0.5)).toBe(Math.SQRT2);
    expect(pow(0.9, -2)).toBe(0.9 ** -2);
  });
});
