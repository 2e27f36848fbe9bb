// Elementwise kernels. Each op has its own row loop (a separate function literal, so V8 inlines
// the arithmetic instead of calling through a shared megamorphic callback).
import type { TypedArray } from '../../dtype.js';
import type { BinaryKernel, StridedArray, UnaryKernel } from '../backend.js';
import { forEachRow } from './strided.js';

type A = TypedArray;
type UnaryRow = (o: A, oi: number, x: A, xi: number, xs: number, n: number) => void;
type BinaryRow = (o: A, oi: number, a: A, ai: number, as: number, b: A, bi: number, bs: number, n: number) => void;

// erf with |error| < 1.2e-7 (Numerical Recipes erfc, Chebyshev fit), enough for float32 GELU.
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

// Round half to even, as torch.round.
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function sigmoid(x: number): number {
  // Split by sign so exp never overflows into Infinity/Infinity.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const UNARY: Record<UnaryKernel, UnaryRow> = {
  identity: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = x[xi]; },
  neg: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = -x[xi]; },
  exp: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.exp(x[xi]); },
  log: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.log(x[xi]); },
  sqrt: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.sqrt(x[xi]); },
  abs: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.abs(x[xi]); },
  relu: (o, oi, x, xi, xs, n) => {
    // NaN propagates, as in PyTorch (NaN > 0 is false, so test the negative branch).
    for (let k = 0; k < n; k++, xi += xs) { const v = x[xi]; o[oi + k] = v < 0 ? 0 : v; }
  },
  sigmoid: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = sigmoid(x[xi]); },
  tanh: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.tanh(x[xi]); },
  // (0 < x) - (x < 0), as PyTorch's CPU kernel: NaN gives 0.
  sign: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) { const v = x[xi]; o[oi + k] = v > 0 ? 1 : v < 0 ? -1 : 0; } },
  reciprocal: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = 1 / x[xi]; },
  sin: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.sin(x[xi]); },
  cos: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.cos(x[xi]); },
  log1p: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.log1p(x[xi]); },
  expm1: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.expm1(x[xi]); },
  erf: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = erf(x[xi]); },
  floor: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.floor(x[xi]); },
  ceil: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.ceil(x[xi]); },
  round: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = roundHalfEven(x[xi]); },
  trunc: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Math.trunc(x[xi]); },
  square: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) { const v = x[xi]; o[oi + k] = v * v; } },
  logicalNot: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = x[xi] === 0 ? 1 : 0; },
  isnan: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = x[xi] !== x[xi] ? 1 : 0; },
  isfinite: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = Number.isFinite(x[xi]) ? 1 : 0; },
};

const BINARY: Record<BinaryKernel, BinaryRow> = {
  add: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] + b[bi]; },
  sub: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] - b[bi]; },
  mul: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] * b[bi]; },
  imul: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = Math.imul(a[ai], b[bi]); },
  div: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] / b[bi]; },
  pow: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = Math.pow(a[ai], b[bi]); },
  atan2: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = Math.atan2(a[ai], b[bi]); },
  maximum: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) { const x = a[ai], y = b[bi]; o[oi + k] = x !== x || x > y ? x : y; }
  },
  minimum: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) { const x = a[ai], y = b[bi]; o[oi + k] = x !== x || x < y ? x : y; }
  },
  eq: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] === b[bi] ? 1 : 0; },
  ne: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] !== b[bi] ? 1 : 0; },
  lt: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] < b[bi] ? 1 : 0; },
  le: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] <= b[bi] ? 1 : 0; },
  gt: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] > b[bi] ? 1 : 0; },
  ge: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] >= b[bi] ? 1 : 0; },
  logicalAnd: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] !== 0 && b[bi] !== 0 ? 1 : 0; },
  logicalOr: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai] !== 0 || b[bi] !== 0 ? 1 : 0; },
  logicalXor: (o, oi, a, ai, as, b, bi, bs, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = (a[ai] !== 0) !== (b[bi] !== 0) ? 1 : 0; },
};

/** Whether `strides` walk `shape` row-major without gaps (size-1 dims ignored). */
export function isDense(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function unary(op: UnaryKernel, x: StridedArray, shape: readonly number[], out: TypedArray): void {
  const row = UNARY[op];
  if (isDense(shape, x.strides)) row(out, 0, x.data, x.offset, 1, numel(shape));
  else unaryStrided(row, x, shape, out);
}

// Rows of a contiguous output are visited in order, so each row starts where the last ended.
function unaryStrided(row: UnaryRow, x: StridedArray, shape: readonly number[], out: TypedArray): void {
  let oi = 0;
  forEachRow(shape, [x.strides], [x.offset], (off, n, inner) => {
    row(out, oi, x.data, off[0], inner[0], n);
    oi += n;
  });
}

export function binary(op: BinaryKernel, a: StridedArray, b: StridedArray, shape: readonly number[], out: TypedArray): void {
  const row = BINARY[op];
  if (isDense(shape, a.strides) && isDense(shape, b.strides)) {
    row(out, 0, a.data, a.offset, 1, b.data, b.offset, 1, numel(shape));
    return;
  }
  let oi = 0;
  forEachRow(shape, [a.strides, b.strides], [a.offset, b.offset], (off, n, inner) => {
    row(out, oi, a.data, off[0], inner[0], b.data, off[1], inner[1], n);
    oi += n;
  });
}

const scalarBox = new Float64Array(1);

// PyTorch's pow with a scalar exponent takes exact shortcuts for these exponents
// (pow_tensor_scalar_optimized_kernel); Math.pow is not correctly rounded, e.g. 0.9 ** 4.
const POW_SHORTCUTS: Record<number, UnaryRow> = {
  2: UNARY.square,
  3: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) { const v = x[xi]; o[oi + k] = v * v * v; } },
  0.5: UNARY.sqrt,
  [-0.5]: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) o[oi + k] = 1 / Math.sqrt(x[xi]); },
  [-1]: UNARY.reciprocal,
  [-2]: (o, oi, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs) { const v = x[xi]; o[oi + k] = 1 / (v * v); } },
};

export function binaryScalar(op: BinaryKernel, a: StridedArray, s: number, scalarFirst: boolean, shape: readonly number[], out: TypedArray): void {
  const shortcut = op === 'pow' && !scalarFirst ? POW_SHORTCUTS[s] : undefined;
  if (shortcut !== undefined) {
    if (isDense(shape, a.strides)) shortcut(out, 0, a.data, a.offset, 1, numel(shape));
    else unaryStrided(shortcut, a, shape, out);
    return;
  }
  const row = BINARY[op];
  scalarBox[0] = s;
  if (isDense(shape, a.strides)) {
    if (scalarFirst) row(out, 0, scalarBox, 0, 0, a.data, a.offset, 1, numel(shape));
    else row(out, 0, a.data, a.offset, 1, scalarBox, 0, 0, numel(shape));
    return;
  }
  let oi = 0;
  forEachRow(shape, [a.strides], [a.offset], (off, n, inner) => {
    if (scalarFirst) row(out, oi, scalarBox, 0, 0, a.data, off[0], inner[0], n);
    else row(out, oi, a.data, off[0], inner[0], scalarBox, 0, 0, n);
    oi += n;
  });
}

export function copy(x: StridedArray, shape: readonly number[], out: TypedArray): void {
  if (isDense(shape, x.strides)) {
    const n = numel(shape);
    if (out.constructor === x.data.constructor) out.set(x.data.subarray(x.offset, x.offset + n) as never);
    else UNARY.identity(out, 0, x.data, x.offset, 1, n);
    return;
  }
  unaryStrided(UNARY.identity, x, shape, out);
}

export function assign(dst: StridedArray, src: StridedArray, shape: readonly number[]): void {
  const o = dst.data, x = src.data;
  if (isDense(shape, dst.strides) && isDense(shape, src.strides)) {
    const n = numel(shape);
    for (let k = 0, oi = dst.offset, xi = src.offset; k < n; k++) o[oi + k] = x[xi + k];
    return;
  }
  forEachRow(shape, [dst.strides, src.strides], [dst.offset, src.offset], (off, n, inner) => {
    let oi = off[0], xi = off[1];
    const os = inner[0], xs = inner[1];
    for (let k = 0; k < n; k++, oi += os, xi += xs) o[oi] = x[xi];
  });
}

export function where(cond: StridedArray, a: StridedArray, b: StridedArray, shape: readonly number[], out: TypedArray): void {
  const c = cond.data, ad = a.data, bd = b.data;
  let oi = 0;
  forEachRow(shape, [cond.strides, a.strides, b.strides], [cond.offset, a.offset, b.offset], (off, n, inner) => {
    let ci = off[0], ai = off[1], bi = off[2];
    const cs = inner[0], as = inner[1], bs = inner[2];
    for (let k = 0; k < n; k++, ci += cs, ai += as, bi += bs) out[oi + k] = c[ci] !== 0 ? ad[ai] : bd[bi];
    oi += n;
  });
}
