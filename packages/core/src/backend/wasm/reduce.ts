// Sums over rows or columns (float64 accumulation, as the JavaScript kernel) and row softmax.
import type { TypedArray } from '../../dtype.js';
import { coalesce } from '../../shape.js';
import type { ReduceKernel, StridedArray } from '../backend.js';
import type { Runtime } from './runtime.js';

/** Below this many inputs the JavaScript reduction is faster. */
export const REDUCE_MIN_WASM = 8192;
/** Below this many inputs the JavaScript softmax is faster. */
export const SOFTMAX_MIN_WASM = 1024;

export function reduceWasm(rt: Runtime, op: ReduceKernel, x: StridedArray, shape: readonly number[], outStrides: readonly number[], out: Float64Array): boolean {
  if (op !== 'sum' || !(x.data instanceof Float32Array)) return false;
  let n = 1;
  for (const s of shape) n *= s;
  if (n < REDUCE_MIN_WASM) return false;
  const c = coalesce(shape, [x.strides, outStrides]);
  const nd = c.shape.length;
  const [xs, os] = c.strides;
  let rows: number, cols: number, ldx: number, byRow: boolean, ostride: number;
  if (nd === 1 && xs[0] === 1 && os[0] === 0) {
    [rows, cols, ldx, byRow, ostride] = [1, c.shape[0], 0, true, 0];
  } else if (nd === 2 && xs[1] === 1 && xs[0] >= c.shape[1] && os[1] === 0 && os[0] > 0) {
    [rows, cols, ldx, byRow, ostride] = [c.shape[0], c.shape[1], xs[0], true, os[0]];
  } else if (nd === 2 && xs[1] === 1 && xs[0] >= c.shape[1] && os[0] === 0 && os[1] > 0) {
    [rows, cols, ldx, byRow, ostride] = [c.shape[0], c.shape[1], xs[0], false, os[1]];
  } else {
    return false;
  }
  const xp = rt.operand(x.data, x.version, x.offset, x.offset + (rows - 1) * ldx + cols);
  const count = byRow ? rows : cols;
  const o = rt.alloc(count * 8);
  if (byRow) rt.exports.sum_rows_f32(o, xp, rows, cols, ldx);
  else rt.exports.sum_cols_f32(o, xp, rows, cols, ldx);
  const f64 = rt.heap.f64, base = o >> 3;
  for (let i = 0; i < count; i++) out[i * ostride] += f64[base + i];
  return true;
}

export function softmaxWasm(rt: Runtime, x: TypedArray, outer: number, size: number, inner: number, log: boolean, out: TypedArray): boolean {
  if (inner !== 1 || !(x instanceof Float32Array) || !(out instanceof Float32Array) || outer * size < SOFTMAX_MIN_WASM) return false;
  const n = outer * size;
  const xp = rt.operand(x, undefined, 0, n);
  const o = rt.alloc(n * 4);
  rt.exports.softmax_f32(o, xp, outer, size, log ? 1 : 0);
  out.set(rt.heap.f32.subarray(o >> 2, (o >> 2) + n));
  return true;
}
