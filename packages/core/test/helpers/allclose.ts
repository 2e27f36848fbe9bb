// Comparing a torchlet tensor with values recorded from PyTorch: same shape, same dtype, and
// values equal within a dtype-appropriate tolerance (exact for int32 and bool). NaN must meet
// NaN and infinities must match in sign; -0 and 0 are equal, as in torch.allclose.
import type { DType, Tensor } from '@torchlet/core';

/** A tensor as the fixture generators write it: flat row-major values, NaN/±Inf as strings. */
export interface ExpectedTensor {
  shape: readonly number[];
  dtype: DType;
  values: readonly (number | string | boolean)[];
}

/** `|actual - expected| <= atol + rtol·|expected|`, elementwise. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Default tolerances. float32 results may differ from PyTorch's by a few ulp (torchlet computes
 * elementwise math in float64 and rounds once; PyTorch uses vectorised float32 approximations and
 * a different summation order), so allow ~100 ulp relative plus a small absolute slack for values
 * that come out of cancellation. float64 allows for summation order only.
 */
export const DEFAULT_TOLERANCE: Record<DType, Tolerance> = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  float64: { rtol: 1e-10, atol: 1e-12 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

/** A fixture value as a number: 'nan', 'inf', '-inf' and booleans decoded. */
export function decodeValue(v: number | string | boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw new Error(`not a fixture value: ${JSON.stringify(v)}`);
}

/** All elements of `t` in row-major order, as numbers (bools as 0/1), whatever its strides. */
export function flatValues(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) for (const y of x) walk(y);
    else out.push(typeof x === 'boolean' ? (x ? 1 : 0) : (x as number));
  };
  walk(t.tolist());
  return out;
}

function close(a: number, e: number, tol: Tolerance): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  if (!Number.isFinite(a)) return false;
  return Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
}

/**
 * Throws (failing the test) unless `actual` has `expected`'s shape and dtype and its values are
 * within tolerance. `tol` overrides the dtype default for floating dtypes; ints and bools are
 * always compared exactly.
 */
export function expectClose(actual: Tensor, expected: ExpectedTensor, tol?: Partial<Tolerance>, label = 'tensor'): void {
  const shape = [...actual.shape];
  if (shape.length !== expected.shape.length || shape.some((s, i) => s !== expected.shape[i])) {
    throw new Error(`${label}: shape [${shape.join(', ')}], expected [${expected.shape.join(', ')}]`);
  }
  if (actual.dtype !== expected.dtype) throw new Error(`${label}: dtype ${actual.dtype}, expected ${expected.dtype}`);
  const exact = expected.dtype === 'int32' || expected.dtype === 'bool';
  const t: Tolerance = exact ? DEFAULT_TOLERANCE[expected.dtype] : { ...DEFAULT_TOLERANCE[expected.dtype], ...tol };
  const got = flatValues(actual);
  const want = expected.values.map(decodeValue);
  if (got.length !== want.length) throw new Error(`${label}: ${got.length} values, expected ${want.length}`);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (!close(got[i], want[i], t)) bad.push(`[${i}] got ${got[i]}, expected ${want[i]}`);
  }
  if (bad.length > 0) {
    throw new Error(
      `${label}: ${bad.length} of ${want.length} values differ (rtol ${t.rtol}, atol ${t.atol}): ${bad.slice(0, 6).join('; ')}${bad.length > 6 ? '; ...' : ''}`,
    );
  }
}
