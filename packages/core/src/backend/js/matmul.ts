// Matrix multiply in plain JavaScript: i-k-j order over row-major operands (unit-stride inner
// loop), accumulating each output row in float64. Operands with other strides are packed first.
import type { TypedArray } from '../../dtype.js';
import type { MatrixOperand } from '../backend.js';

function pack(x: MatrixOperand, b: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  const base = x.offset + b * x.batchStride;
  for (let i = 0; i < rows; i++) {
    const r = base + i * x.rowStride;
    for (let j = 0; j < cols; j++) out[i * cols + j] = x.data[r + j * x.colStride];
  }
  return out;
}

export function matmul(a: MatrixOperand, b: MatrixOperand, batch: number, m: number, k: number, n: number, out: TypedArray): void {
  const acc = new Float64Array(n);
  for (let bi = 0; bi < batch; bi++) {
    const aRowMajor = a.colStride === 1 || k === 1;
    const bRowMajor = b.colStride === 1 || n === 1;
    const A = aRowMajor ? a.data : pack(a, bi, m, k);
    const aBase = aRowMajor ? a.offset + bi * a.batchStride : 0;
    const aRow = aRowMajor ? a.rowStride : k;
    const B = bRowMajor ? b.data : pack(b, bi, k, n);
    const bBase = bRowMajor ? b.offset + bi * b.batchStride : 0;
    const bRow = bRowMajor ? b.rowStride : n;
    const outBase = bi * m * n;
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      const ar = aBase + i * aRow;
      for (let p = 0; p < k; p++) {
        const av = A[ar + p];
        const br = bBase + p * bRow;
        for (let j = 0; j < n; j++) acc[j] += av * B[br + j];
      }
      const o = outBase + i * n;
      for (let j = 0; j < n; j++) out[o + j] = acc[j];
    }
  }
}
