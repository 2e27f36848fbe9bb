// Walking strided operands row by row. Dims that every operand walks contiguously are merged
// first, so the innermost row is as long as the memory layout allows and the per-row cost
// (one callback) is amortised.
import { coalesce } from '../../shape.js';

/** Called once per innermost row with each operand's starting offset, the row length and inner strides. */
export type RowVisitor = (offsets: readonly number[], length: number, innerStrides: readonly number[]) => void;

/**
 * Visits every innermost row of a strided iteration over `shape` for operands with the given
 * strides and base offsets. A zero-size shape visits nothing; a zero-dim shape visits one row of 1.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  baseOffsets: readonly number[],
  visit: RowVisitor,
): void {
  for (let i = 0; i < shape.length; i++) if (shape[i] === 0) return;
  const c = coalesce(shape, strides);
  const k = strides.length;
  const nd = c.shape.length;
  const offsets = baseOffsets.slice();
  if (nd === 0) {
    visit(offsets, 1, strides.map(() => 0));
    return;
  }
  const inner = c.strides.map((s) => s[nd - 1]);
  const rowLen = c.shape[nd - 1];
  const outer = nd - 1;
  if (outer === 0) {
    visit(offsets, rowLen, inner);
    return;
  }
  const counter = new Array<number>(outer).fill(0);
  for (;;) {
    visit(offsets, rowLen, inner);
    // odometer increment over the outer dims, updating offsets incrementally
    let d = outer - 1;
    for (; d >= 0; d--) {
      counter[d]++;
      if (counter[d] < c.shape[d]) {
        for (let j = 0; j < k; j++) offsets[j] += c.strides[j][d];
        break;
      }
      counter[d] = 0;
      for (let j = 0; j < k; j++) offsets[j] -= c.strides[j][d] * (c.shape[d] - 1);
    }
    if (d < 0) return;
  }
}
