// Fused kernels the ops layer may use where a backend offers them (optional `Backend`
// methods): each gives exactly what its unfused sequence of kernels gives.
import type { TypedArray } from '../../dtype.js';
import type { MatrixOperand, StridedArray } from '../backend.js';
import { matmul } from './matmul.js';
import { forEachRow } from './strided.js';
import { isDense } from './elementwise.js';

/** matmul, then + bias along each row, then relu. */
export function linear(a: MatrixOperand, b: MatrixOperand, bias: StridedArray | null, relu: boolean, batch: number, m: number, k: number, n: number, out: TypedArray): void {
  matmul(a, b, batch, m, k, n, out);
  const rows = batch * m;
  const bd = bias?.data, bo = bias?.offset ?? 0, bs = bias?.strides[0] ?? 0;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let j = 0; j < n; j++) {
      let v = out[base + j];
      if (bd !== undefined) {
        out[base + j] = v + bd[bo + j * bs]; // rounds to out's dtype, as the add kernel
        v = out[base + j];
      }
      if (relu) out[base + j] = v < 0 ? 0 : v;
    }
  }
}

/** y = y + alpha·x computed in float64, rounded once to y's dtype. */
export function axpy(alpha: number, x: StridedArray, y: StridedArray, shape: readonly number[]): void {
  const yd = y.data, xd = x.data;
  if (isDense(shape, y.strides) && isDense(shape, x.strides)) {
    let n = 1;
    for (let i = 0; i < shape.length; i++) n *= shape[i];
    for (let k = 0, yi = y.offset, xi = x.offset; k < n; k++) yd[yi + k] = yd[yi + k] + xd[xi + k] * alpha;
    return;
  }
  forEachRow(shape, [y.strides, x.strides], [y.offset, x.offset], (off, n, inner) => {
    let yi = off[0], xi = off[1];
    const ys = inner[0], xs = inner[1];
    for (let k = 0; k < n; k++, yi += ys, xi += xs) yd[yi] = yd[yi] + xd[xi] * alpha;
  });
}
