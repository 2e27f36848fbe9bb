// Reductions. `reduce` walks the input in memory order and folds each element into the
// accumulator slot its output strides point to (stride 0 on reduced dims), so every layout is
// cache-friendly and accumulation happens in float64.
import type { TypedArray } from '../../dtype.js';
import type { ReduceKernel, StridedArray } from '../backend.js';
import { forEachRow } from './strided.js';

type Fold = (acc: Float64Array, oi: number, os: number, x: TypedArray, xi: number, xs: number, n: number) => void;

const FOLD: Record<ReduceKernel, Fold> = {
  sum: (acc, oi, os, x, xi, xs, n) => {
    if (os === 0) {
      let s = 0;
      for (let k = 0; k < n; k++, xi += xs) s += x[xi];
      acc[oi] += s;
    } else for (let k = 0; k < n; k++, xi += xs, oi += os) acc[oi] += x[xi];
  },
  prod: (acc, oi, os, x, xi, xs, n) => { for (let k = 0; k < n; k++, xi += xs, oi += os) acc[oi] *= x[xi]; },
  // NaN wins, as in PyTorch's max/amax.
  max: (acc, oi, os, x, xi, xs, n) => {
    for (let k = 0; k < n; k++, xi += xs, oi += os) { const v = x[xi], a = acc[oi]; if (v > a || v !== v) acc[oi] = a !== a ? a : v; }
  },
  min: (acc, oi, os, x, xi, xs, n) => {
    for (let k = 0; k < n; k++, xi += xs, oi += os) { const v = x[xi], a = acc[oi]; if (v < a || v !== v) acc[oi] = a !== a ? a : v; }
  },
};

export function reduce(op: ReduceKernel, x: StridedArray, shape: readonly number[], outStrides: readonly number[], out: Float64Array): void {
  const fold = FOLD[op];
  forEachRow(shape, [x.strides, outStrides], [x.offset, 0], (off, n, inner) => fold(out, off[1], inner[1], x.data, off[0], inner[0], n));
}

export function argReduce(op: 'argmax' | 'argmin', x: TypedArray, outer: number, size: number, inner: number, out: Int32Array): void {
  const max = op === 'argmax';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let base = o * size * inner + i;
      let best = x[base];
      let bestIdx = 0;
      for (let k = 1; k < size && best === best; k++) {
        base += inner;
        const v = x[base];
        // first occurrence wins; a NaN is the extreme value and stops the scan
        if (v !== v || (max ? v > best : v < best)) {
          best = v;
          bestIdx = k;
        }
      }
      out[o * inner + i] = bestIdx;
    }
  }
}

export function softmax(x: TypedArray, outer: number, size: number, inner: number, log: boolean, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * size * inner + i;
      let max = -Infinity;
      for (let k = 0, p = start; k < size; k++, p += inner) if (x[p] > max || x[p] !== x[p]) max = x[p];
      if (max === -Infinity) max = 0; // all -inf: keep exp finite so the result is NaN-free where PyTorch's is
      let sum = 0;
      for (let k = 0, p = start; k < size; k++, p += inner) sum += Math.exp(x[p] - max);
      if (log) {
        const lse = Math.log(sum);
        for (let k = 0, p = start; k < size; k++, p += inner) out[p] = x[p] - max - lse;
      } else {
        for (let k = 0, p = start; k < size; k++, p += inner) out[p] = Math.exp(x[p] - max) / sum;
      }
    }
  }
}
