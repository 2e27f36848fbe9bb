// Elementwise float32 kernels in wasm: binary ops on operands that coalesce to at most two
// dims with unit or zero inner strides (dense, row- and column-broadcast, scalar), scalar ops,
// and unary ops on dense inputs. Everything else returns false for the JavaScript kernel.
import type { TypedArray } from '../../dtype.js';
import { coalesce } from '../../shape.js';
import type { BinaryKernel, StridedArray, UnaryKernel } from '../backend.js';
import type { Runtime } from './runtime.js';

/**
 * Sizes (elements) below which the JavaScript loops beat copying in and out: `elementwise` for
 * binary ops, comparisons, where, copies and cheap unary ops, `transcendental` for exp, tanh and
 * sigmoid. Measured with scripts/bench-wasm.ts; mutable for such measurements.
 */
export const ELEMENTWISE_LIMITS = { elementwise: 2048, transcendental: 512 };

const BINARY_OPS: Partial<Record<BinaryKernel, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
// comparisons of float32 operands, written as 0/1 bytes into a bool output
const COMPARE_OPS: Partial<Record<BinaryKernel, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

/** The kernel code of `op` for output `out`, and whether it is a comparison, or null. */
function binaryCode(op: BinaryKernel, out: TypedArray): [number, boolean] | null {
  if (out instanceof Float32Array) {
    const c = BINARY_OPS[op];
    return c === undefined ? null : [c, false];
  }
  if (out instanceof Uint8Array) {
    const c = COMPARE_OPS[op];
    return c === undefined ? null : [c, true];
  }
  return null;
}
const UNARY_OPS: Partial<Record<UnaryKernel, number>> = {
  neg: 0, abs: 1, relu: 2, sqrt: 3, square: 4, reciprocal: 5, exp: 6, tanh: 7, sigmoid: 8,
};
const EXPENSIVE = new Set<UnaryKernel>(['exp', 'tanh', 'sigmoid']);

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * rows, cols and each operand's [rowStride, colStride] after merging dims, or null beyond two
 * dims or with negative strides.
 */
function asRows(shape: readonly number[], strides: readonly (readonly number[])[]): { rows: number; cols: number; s: number[][] } | null {
  const c = coalesce(shape, strides);
  const nd = c.shape.length;
  if (nd > 2) return null;
  const rows = nd === 2 ? c.shape[0] : 1;
  const cols = nd === 0 ? 1 : c.shape[nd - 1];
  const s = c.strides.map((st) => [nd === 2 ? st[0] : 0, nd === 0 ? 0 : st[nd - 1]]);
  for (const [rs, cs] of s) if (rs < 0 || cs < 0) return null;
  return { rows, cols, s };
}

/**
 * An operand in the kernels' row form: [address, rowStride, colStride] with colStride 0 or 1.
 * A transposed float32 matrix (row stride 1) is transposed into scratch memory first; other
 * layouts give null.
 */
function rowOperand(rt: Runtime, x: StridedArray, rows: number, cols: number, [rs, cs]: number[]): [number, number, number] | null {
  if (cs === 0 || cs === 1) return [rt.operand(x.data, x.version, x.offset, x.offset + (rows - 1) * rs + (cols - 1) * cs + 1), rs, cs];
  if (rs !== 1 || cs < rows || !(x.data instanceof Float32Array)) return null;
  const src = rt.operand(x.data, x.version, x.offset, x.offset + (cols - 1) * cs + rows);
  const t = rt.alloc(rows * cols * 4);
  rt.exports.transpose_f32(t, src, rows, cols, cs);
  return [t, cols, 1];
}

function copyOut(rt: Runtime, ptr: number, out: Float32Array, n: number): void {
  out.set(rt.heap.f32.subarray(ptr >> 2, (ptr >> 2) + n));
}

export function binaryWasm(rt: Runtime, op: BinaryKernel, a: StridedArray, b: StridedArray, shape: readonly number[], out: TypedArray): boolean {
  const code = binaryCode(op, out);
  if (code === null || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) return false;
  const n = numel(shape);
  if (n < ELEMENTWISE_LIMITS.elementwise) return false;
  const r = asRows(shape, [a.strides, b.strides]);
  if (r === null) return false;
  const ao = rowOperand(rt, a, r.rows, r.cols, r.s[0]);
  const bo = ao && rowOperand(rt, b, r.rows, r.cols, r.s[1]);
  if (ao === null || bo === null) return false;
  run(rt, code, out, n, [...ao, ...bo, r.rows, r.cols]);
  return true;
}

/** Allocates the output, runs the binary or comparison kernel and copies the result out. */
function run(rt: Runtime, [code, compare]: [number, boolean], out: TypedArray, n: number, args: number[]): void {
  const o = rt.alloc(n * out.BYTES_PER_ELEMENT);
  const [ap, ars, acs, bp, brs, bcs, rows, cols] = args;
  if (compare) {
    rt.exports.compare_f32(code, o, ap, ars, acs, bp, brs, bcs, rows, cols);
    out.set(rt.heap.u8.subarray(o, o + n));
  } else {
    rt.exports.binary_f32(code, o, ap, ars, acs, bp, brs, bcs, rows, cols);
    copyOut(rt, o, out as Float32Array, n);
  }
}

export function binaryScalarWasm(rt: Runtime, op: BinaryKernel, a: StridedArray, s: number, scalarFirst: boolean, shape: readonly number[], out: TypedArray): boolean {
  const code = binaryCode(op, out);
  // a scalar that float32 cannot hold exactly is computed in float64 by the JavaScript kernel
  if (code === null || !(a.data instanceof Float32Array) || (Math.fround(s) !== s && s === s)) return false;
  const n = numel(shape);
  if (n < ELEMENTWISE_LIMITS.elementwise) return false;
  const r = asRows(shape, [a.strides]);
  if (r === null) return false;
  const ao = rowOperand(rt, a, r.rows, r.cols, r.s[0]);
  if (ao === null) return false;
  rt.heap.f32[rt.scalarPtr >> 2] = s;
  const so = [rt.scalarPtr, 0, 0];
  run(rt, code, out, n, scalarFirst ? [...so, ...ao, r.rows, r.cols] : [...ao, ...so, r.rows, r.cols]);
  return true;
}

export function whereWasm(rt: Runtime, cond: StridedArray, a: StridedArray, b: StridedArray, shape: readonly number[], out: TypedArray): boolean {
  if (!(out instanceof Float32Array) || !(cond.data instanceof Uint8Array) || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) return false;
  const n = numel(shape);
  if (n < ELEMENTWISE_LIMITS.elementwise) return false;
  const r = asRows(shape, [cond.strides, a.strides, b.strides]);
  if (r === null) return false;
  const co = rowOperand(rt, cond, r.rows, r.cols, r.s[0]);
  const ao = co && rowOperand(rt, a, r.rows, r.cols, r.s[1]);
  const bo = ao && rowOperand(rt, b, r.rows, r.cols, r.s[2]);
  if (co === null || ao === null || bo === null) return false;
  const o = rt.alloc(n * 4);
  rt.exports.where_f32(o, ...co, ...ao, ...bo, r.rows, r.cols);
  copyOut(rt, o, out, n);
  return true;
}

/** Copies a transposed float32 matrix view into contiguous `out` (dense copies stay in JavaScript). */
export function copyWasm(rt: Runtime, x: StridedArray, shape: readonly number[], out: TypedArray): boolean {
  if (!(out instanceof Float32Array) || !(x.data instanceof Float32Array)) return false;
  const n = numel(shape);
  if (n < ELEMENTWISE_LIMITS.elementwise) return false;
  const c = coalesce(shape, [x.strides]);
  if (c.shape.length !== 2) return false;
  const [rows, cols] = c.shape, [rs, cs] = c.strides[0];
  if (rs !== 1 || cs < rows) return false;
  const xp = rt.operand(x.data, x.version, x.offset, x.offset + (cols - 1) * cs + rows);
  const o = rt.alloc(n * 4);
  rt.exports.transpose_f32(o, xp, rows, cols, cs);
  copyOut(rt, o, out, n);
  return true;
}

export function unaryWasm(rt: Runtime, op: UnaryKernel, x: StridedArray, shape: readonly number[], out: TypedArray): boolean {
  const code = UNARY_OPS[op];
  if (code === undefined || !(out instanceof Float32Array) || !(x.data instanceof Float32Array)) return false;
  const n = numel(shape);
  if (n < (EXPENSIVE.has(op) ? ELEMENTWISE_LIMITS.transcendental : ELEMENTWISE_LIMITS.elementwise)) return false;
  const r = asRows(shape, [x.strides]);
  if (r === null || r.rows !== 1 || (r.cols > 1 && r.s[0][1] !== 1)) return false; // dense only (as JavaScript's fast path)
  const xp = rt.operand(x.data, x.version, x.offset, x.offset + n);
  const o = rt.alloc(n * 4);
  rt.exports.unary_f32(code, o, xp, n);
  copyOut(rt, o, out, n);
  return true;
}

/** y = y + alpha·x (in float64, one rounding) in place for dense float32 y and x. */
export function axpyWasm(rt: Runtime, alpha: number, x: StridedArray, y: StridedArray, shape: readonly number[]): boolean {
  if (!(y.data instanceof Float32Array) || !(x.data instanceof Float32Array)) return false;
  const n = numel(shape);
  if (n < ELEMENTWISE_LIMITS.elementwise) return false;
  const r = asRows(shape, [y.strides, x.strides]);
  if (r === null || r.rows !== 1 || r.s[0][1] !== 1 || r.s[1][1] !== 1) return false;
  const xp = rt.operand(x.data, x.version, x.offset, x.offset + n);
  // y is updated in its resident copy, which then holds the storage's next version (the caller
  // bumps it by one, per the Backend.axpy contract): the next forward pass and the next update
  // read the parameter from wasm memory instead of copying it in again.
  const yp = rt.operand(y.data, y.version, y.offset, y.offset + n);
  rt.exports.axpy_f32(yp, xp, alpha, n);
  y.data.set(rt.heap.f32.subarray(yp >> 2, (yp >> 2) + n), y.offset);
  if (y.version !== undefined) rt.cache.written(y.data, y.version, y.offset, y.offset + n);
  return true;
}
