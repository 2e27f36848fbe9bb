// Float32 matmul through the packed SIMD kernel (kernels/matmul.c). Operands are copied in
// through the cache; the right operand is cached in packed form as well, so a weight used in
// every step (x·Wᵀ forward, g·W backward) is packed once per storage version.
import type { MatrixOperand, StridedArray } from '../backend.js';
import type { Runtime } from './runtime.js';

/** Below this many multiply-adds the JavaScript kernel is faster (copies and packing dominate). */
export const MATMUL_MIN_WASM = 4096;
/** From this many multiply-adds a matmul is split across threads. */
export const MATMUL_MIN_THREADS = 48 * 1024;
const MM_B_PACKED = 1;

/** Index span [lo, hi) of the elements a matrix operand reads, or null if a stride is negative. */
function span(x: MatrixOperand, batch: number, rows: number, cols: number): [number, number] | null {
  if (x.batchStride < 0 || x.rowStride < 0 || x.colStride < 0) return null;
  const last = x.offset + (batch - 1) * x.batchStride + (rows - 1) * x.rowStride + (cols - 1) * x.colStride;
  return [x.offset, last + 1];
}

/**
 * Runs the matmul in wasm (with the fused bias and relu epilogue of `Backend.linear`) and
 * returns true, or returns false if the JavaScript kernel should.
 */
export function matmulWasm(
  rt: Runtime, a: MatrixOperand, b: MatrixOperand, batch: number, m: number, k: number, n: number, out: Float32Array,
  bias: StridedArray | null = null, relu = false,
): boolean {
  const work = batch * m * n * k;
  if (work < MATMUL_MIN_WASM || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) return false;
  if (bias !== null && (!(bias.data instanceof Float32Array) || bias.strides[0] < 0)) return false;
  const sa = span(a, batch, m, k), sb = span(b, batch, k, n);
  if (sa === null || sb === null) return false;
  const E = rt.exports;
  const aBatches = a.batchStride === 0 ? 1 : batch, bBatches = b.batchStride === 0 ? 1 : batch;
  // a batched operand with batch stride 0 is packed once
  const aBs = aBatches === 1 ? 0 : a.batchStride, bBs = bBatches === 1 ? 0 : b.batchStride;
  let flags = 0;
  let pb: number | null = null;
  let bPtr = 0;
  const packedBytes = E.matmul_packed_size(1, bBatches, n, k) * 4;
  const key = `mm:${b.offset}:${bBs}:${b.rowStride}:${b.colStride}:${k}:${n}:${bBatches}`;
  if (b.version !== undefined) pb = rt.cache.find(b.data, b.version, key, 0, 0);
  if (pb !== null) flags |= MM_B_PACKED;
  else bPtr = rt.operand(b.data, b.version, sb[0], sb[1]);
  const aPtr = rt.operand(a.data, a.version, sa[0], sa[1]);
  const bs = bias === null ? 0 : bias.strides[0];
  const biasPtr = bias === null ? 0 : rt.operand(bias.data, bias.version, bias.offset, bias.offset + (n - 1) * bs + 1);
  const pa = rt.alloc(E.matmul_packed_size(0, aBatches, m, k) * 4);
  // `out` is a fresh array (Backend.matmul contract), so its storage version is 0: the result
  // stays resident as its cached copy, and the op that reads it next (the next layer, the
  // optimizer reading a weight's .grad) finds it there instead of copying it back in.
  const cBytes = batch * m * n * 4;
  const c = (out.length * 4 === cBytes ? rt.cache.insert(out, 0, 'raw', 0, out.length, cBytes) : null) ?? rt.alloc(cBytes);
  // the packed-B entry is created last, so that no allocation can fail after it exists unfilled
  if (pb === null && b.version !== undefined) pb = rt.cache.insert(b.data, b.version, key, 0, 0, packedBytes);
  pb ??= rt.alloc(packedBytes);
  const threads = work >= MATMUL_MIN_THREADS ? rt.threads : 1;
  const j = rt.jobPtr >> 2, I = rt.heap.i32;
  I[j] = aPtr; I[j + 1] = aBs; I[j + 2] = a.rowStride; I[j + 3] = a.colStride;
  I[j + 4] = bPtr; I[j + 5] = bBs; I[j + 6] = b.rowStride; I[j + 7] = b.colStride;
  I[j + 8] = c; I[j + 9] = batch; I[j + 10] = m; I[j + 11] = n; I[j + 12] = k;
  I[j + 13] = pa; I[j + 14] = pb; I[j + 15] = flags;
  I[j + 16] = 0; I[j + 17] = 0; I[j + 18] = 0; I[j + 19] = 0; I[j + 20] = 0;
  I[j + 21] = biasPtr; I[j + 22] = bs; I[j + 23] = relu ? 1 : 0;
  E.matmul_plan(rt.jobPtr, threads);
  try {
    rt.parallel(0, rt.jobPtr, threads, () => E.matmul_run(rt.jobPtr));
  } catch (e) {
    rt.cache.clear(); // a packed or result entry may be half-filled
    throw e;
  }
  out.set(rt.heap.f32.subarray(c >> 2, (c >> 2) + batch * m * n));
  return true;
}
