// The `Backend` object of the WebAssembly kernels. Each method tries its wasm kernel and falls
// back to the JavaScript one where that is faster (small inputs) or not covered (other dtypes,
// layouts and ops), or where wasm memory cannot hold the operands.
import type { Backend } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { axpyWasm, binaryScalarWasm, binaryWasm, copyWasm, ELEMENTWISE_LIMITS, unaryWasm, whereWasm } from './elementwise.js';
import { WasmOutOfMemory } from './heap.js';
import { MATMUL_MIN_WASM, matmulWasm } from './matmul.js';
import { REDUCE_MIN_WASM, reduceWasm, SOFTMAX_MIN_WASM, softmaxWasm } from './reduce.js';
import type { Runtime } from './runtime.js';

function numel(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Runs `kernel` inside a call bracket; true if it ran, false to fall back. */
function attempt(rt: Runtime, kernel: () => boolean): boolean {
  rt.begin();
  try {
    return kernel();
  } catch (e) {
    if (e instanceof WasmOutOfMemory) return false;
    throw e;
  } finally {
    rt.end();
  }
}

/**
 * Below the smallest size at which any elementwise wasm kernel pays, skip the call bracket
 * (cache and heap bookkeeping, a closure) entirely: the per-op cost of small and scalar ops is
 * then the JavaScript backend's.
 */
const SMALL = ELEMENTWISE_LIMITS.transcendental;

function small(out: { length: number }): boolean {
  return out.length < SMALL;
}

/** A backend running the SIMD kernels of `rt`. */
export function makeWasmBackend(rt: Runtime): Backend {
  const js = jsBackend;
  return {
    name: 'wasm',
    unary(op, x, shape, out) {
      if (small(out) || !attempt(rt, () => unaryWasm(rt, op, x, shape, out))) js.unary(op, x, shape, out);
    },
    binary(op, a, b, shape, out) {
      if (small(out) || !attempt(rt, () => binaryWasm(rt, op, a, b, shape, out))) js.binary(op, a, b, shape, out);
    },
    binaryScalar(op, a, s, scalarFirst, shape, out) {
      if (small(out) || !attempt(rt, () => binaryScalarWasm(rt, op, a, s, scalarFirst, shape, out))) js.binaryScalar(op, a, s, scalarFirst, shape, out);
    },
    copy(x, shape, out) {
      if (small(out) || !attempt(rt, () => copyWasm(rt, x, shape, out))) js.copy(x, shape, out);
    },
    assign: js.assign,
    reduce(op, x, shape, outStrides, out) {
      if (numel(shape) < REDUCE_MIN_WASM || !attempt(rt, () => reduceWasm(rt, op, x, shape, outStrides, out))) js.reduce(op, x, shape, outStrides, out);
    },
    argReduce: js.argReduce,
    softmax(x, outer, size, inner, log, out) {
      if (outer * size < SOFTMAX_MIN_WASM || !attempt(rt, () => softmaxWasm(rt, x, outer, size, inner, log, out))) js.softmax(x, outer, size, inner, log, out);
    },
    matmul(a, b, batch, m, k, n, out) {
      const tiny = batch * m * k * n < MATMUL_MIN_WASM;
      if (tiny || !(out instanceof Float32Array) || !attempt(rt, () => matmulWasm(rt, a, b, batch, m, k, n, out))) js.matmul(a, b, batch, m, k, n, out);
    },
    linear(a, b, bias, relu, batch, m, k, n, out) {
      const tiny = batch * m * k * n < MATMUL_MIN_WASM;
      if (tiny || !(out instanceof Float32Array) || !attempt(rt, () => matmulWasm(rt, a, b, batch, m, k, n, out, bias, relu))) js.linear!(a, b, bias, relu, batch, m, k, n, out);
    },
    axpy(alpha, x, y, shape) {
      if (numel(shape) < SMALL || !attempt(rt, () => axpyWasm(rt, alpha, x, y, shape))) js.axpy!(alpha, x, y, shape);
    },
    where(cond, a, b, shape, out) {
      if (small(out) || !attempt(rt, () => whereWasm(rt, cond, a, b, shape, out))) js.where(cond, a, b, shape, out);
    },
  };
}
