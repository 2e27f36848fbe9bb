// Matrix products with PyTorch's matmul rules: 1-D·1-D is a dot product, 2-D·2-D is mm,
// 2-D·1-D is mv, and anything higher is a batched product whose batch dims broadcast.
// Backward: d(A·B) = G·Bᵀ, Aᵀ·G (summed over broadcast batch dims by the engine).
import { defineRules, type Rule } from '../autograd/node.js';
import { record } from '../autograd/record.js';
import type { MatrixOperand } from '../backend/backend.js';
import { kernels } from '../backend/registry.js';
import { scalarTypeName } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, coalesce } from '../shape.js';
import { empty, type Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import { squeeze, transpose, unsqueeze } from './movement.js';
import { checkTensor } from './operand.js';

// The gradient of any matmul case, by lifting 1-D operands to matrices.
function matmulGrads(n: { needsInputGrad(i: number): boolean; saved(i: number): Tensor }, g: Tensor): (Tensor | null)[] {
  const a = n.saved(0), b = n.saved(1);
  const aVec = a.shape.length === 1, bVec = b.shape.length === 1;
  const a2 = aVec ? unsqueeze(a, 0) : a;
  const b2 = bVec ? unsqueeze(b, 1) : b;
  let g2 = aVec ? unsqueeze(g, -1 - (bVec ? 0 : 1)) : g;
  if (bVec) g2 = unsqueeze(g2, -1);
  let ga: Tensor | null = null, gb: Tensor | null = null;
  // An operand stored transposed (x·Wᵀ with W = [out, in]) gets its gradient computed in its own
  // layout, (B·Gᵀ)ᵀ or (Gᵀ·A)ᵀ: the same products, but no transposed copy on the way to .grad.
  if (n.needsInputGrad(0)) {
    ga = columnMajor(a2) ? transpose(matmul(b2, transpose(g2, -1, -2)), -1, -2) : matmul(g2, transpose(b2, -1, -2));
    if (aVec) ga = squeeze(ga, -2);
  }
  if (n.needsInputGrad(1)) {
    gb = columnMajor(b2) ? transpose(matmul(transpose(g2, -1, -2), a2), -1, -2) : matmul(transpose(a2, -1, -2), g2);
    if (bVec) gb = squeeze(gb, -1);
  }
  return [ga, gb];
}

/** A 2-D tensor laid out column by column (a transposed view of a contiguous matrix). */
function columnMajor(t: Tensor): boolean {
  return t.shape.length === 2 && t.shape[0] > 1 && t.shape[1] > 1 && t._strides[0] === 1 && t._strides[1] === t.shape[0];
}

const rules = defineRules({
  // d(a·b) = g·b, g·a
  DotBackward0: (n, g) => [n.needsInputGrad(0) ? mul(g, n.saved(1)) : null, n.needsInputGrad(1) ? mul(g, n.saved(0)) : null],
  // d(A·v) = g⊗v, Aᵀ·g
  MvBackward0: matmulGrads,
  // d(A·B) = G·Bᵀ, Aᵀ·G
  MmBackward0: matmulGrads,
  // PyTorch 1.13 names of the composite cases: vector·matrix and batched products
  SqueezeBackward3: matmulGrads,
  UnsafeViewBackward0: matmulGrads,
  CloneBackward0: matmulGrads,
});

/** The names of the backward rules defined in this file. */
export type MatmulGradFn = keyof typeof rules;
/** This file's backward rules, by PyTorch name. @internal */
export const matmulRules = rules;

function ruleFor(aDims: number, bDims: number): Rule {
  if (aDims === 1 && bDims === 1) return rules.DotBackward0;
  if (aDims === 2 && bDims === 1) return rules.MvBackward0;
  if (aDims === 2 && bDims === 2) return rules.MmBackward0;
  if (aDims === 1 && bDims === 2) return rules.SqueezeBackward3;
  if (aDims === 2) return rules.CloneBackward0;
  return rules.UnsafeViewBackward0;
}

function describeMatmulError(a: Tensor, b: Tensor, batchShape: readonly number[]): string {
  const [ad, bd] = [a.shape.length, b.shape.length];
  if (ad >= 3 && bd >= 3) {
    // both batched: PyTorch runs bmm on the broadcast batch and reports its check
    const batch = batchShape.reduce((p, s) => p * s, 1);
    return (
      `Expected size for first two dimensions of batch2 tensor to be: [${batch}, ${a.shape[ad - 1]}] but got: [${batch}, ${b.shape[bd - 2]}]. ` +
      `(matmul of ${fmtShape(a.shape)} and ${fmtShape(b.shape)}: the last dim of the first must equal the second-to-last of the second)`
    );
  }
  if (ad === 1 && bd === 1) {
    return `inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`;
  }
  if (ad === 2 && bd === 1) return `size mismatch, got input (${a.shape[0]}), mat (${a.shape.join('x')}), vec (${b.shape[0]})`;
  const am = ad === 1 ? [1, a.shape[0]] : a.shape.slice(-2);
  const bm = bd === 1 ? [b.shape[0], 1] : b.shape.slice(-2);
  return `mat1 and mat2 shapes cannot be multiplied (${am.join('x')} and ${bm.join('x')}); inputs are ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`;
}

/** Matrix product following `torch.matmul`'s rules for 1-D, 2-D and batched (broadcast) operands. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul');
  checkTensor(b, 'matmul', 'other');
  const ad = a.shape.length, bd = b.shape.length;
  if (ad === 0 || bd === 0) {
    throw new ShapeError(`both arguments to matmul need to be at least 1D, but they are ${ad}D and ${bd}D`);
  }
  if (a.dtype !== b.dtype) {
    const [an, bn] = [scalarTypeName(a.dtype), scalarTypeName(b.dtype)];
    throw new DTypeError(
      (ad === 1 && bd === 1 ? `dot : expected both vectors to have same dtype, but found ${an} and ${bn}` : `expected scalar type ${an} but found ${bn}`) +
        `: expected m1 and m2 to have the same dtype, but got: ${a.dtype} != ${b.dtype}; convert one operand with .to('${a.dtype}')`,
    );
  }
  if (a.dtype === 'bool') throw new DTypeError(`matmul(): "addmm_impl_cpu_" not implemented for 'Bool'; convert with .float() or .int() first`);
  const m = ad === 1 ? 1 : a.shape[ad - 2];
  const k = a.shape[ad - 1];
  const kb = bd === 1 ? b.shape[0] : b.shape[bd - 2];
  const n = bd === 1 ? 1 : b.shape[bd - 1];
  const aBatch = a.shape.slice(0, Math.max(0, ad - 2));
  const bBatch = b.shape.slice(0, Math.max(0, bd - 2));
  const batchShape = broadcastShapes(aBatch, bBatch);
  if (k !== kb) throw new ShapeError(describeMatmulError(a, b, batchShape));
  const outShape = [...batchShape, ...(ad === 1 ? [] : [m]), ...(bd === 1 ? [] : [n])];
  const out = empty(outShape, a.dtype);
  runBatched(a, b, batchShape, m, k, n, out);
  record(ruleFor(ad, bd), out, a, b)?.save(a, b);
  return out;
}

function operand(t: Tensor, isLeft: boolean): MatrixOperand {
  const nd = t.shape.length;
  const version = t._version === null ? 0 : t._version.value;
  if (nd === 1) {
    // a vector is a 1×k row (left) or a k×1 column (right)
    return isLeft
      ? { data: t._data, version, offset: t._offset, batchStride: 0, rowStride: 0, colStride: t._strides[0] }
      : { data: t._data, version, offset: t._offset, batchStride: 0, rowStride: t._strides[0], colStride: 0 };
  }
  return { data: t._data, version, offset: t._offset, batchStride: 0, rowStride: t._strides[nd - 2], colStride: t._strides[nd - 1] };
}

function batchStrides(t: Tensor, batchShape: readonly number[]): number[] {
  const own = Math.max(0, t.shape.length - 2);
  const lead = batchShape.length - own;
  return batchShape.map((_, i) => (i < lead || t.shape[i - lead] === 1 ? 0 : t._strides[i - lead]));
}

/** Runs the kernel once per group of batches that one batch stride can describe. */
function runBatched(a: Tensor, b: Tensor, batchShape: readonly number[], m: number, k: number, n: number, out: Tensor): void {
  const A = operand(a, true), B = operand(b, false);
  if (batchShape.length === 0) {
    kernels().matmul(A, B, 1, m, k, n, out._data);
    return;
  }
  const outStrides = batchShape.map((_, i) => batchShape.slice(i + 1).reduce((p, s) => p * s, m * n));
  const c = coalesce(batchShape, [batchStrides(a, batchShape), batchStrides(b, batchShape), outStrides]);
  const nd = c.shape.length;
  const count = nd === 0 ? 1 : c.shape[nd - 1];
  const inner = c.strides.map((s) => (nd === 0 ? 0 : s[nd - 1]));
  const outer = c.shape.slice(0, Math.max(0, nd - 1));
  const idx = outer.map(() => 0);
  const total = outer.reduce((p, s) => p * s, 1);
  for (let it = 0; it < total; it++) {
    let ao = A.offset, bo = B.offset, oo = 0;
    for (let d = 0; d < outer.length; d++) {
      ao += idx[d] * c.strides[0][d];
      bo += idx[d] * c.strides[1][d];
      oo += idx[d] * c.strides[2][d];
    }
    const outView = oo === 0 ? out._data : out._data.subarray(oo);
    kernels().matmul({ ...A, offset: ao, batchStride: inner[0] }, { ...B, offset: bo, batchStride: inner[1] }, count, m, k, n, outView);
    for (let d = outer.length - 1; d >= 0; d--) {
      if (++idx[d] < outer[d]) break;
      idx[d] = 0;
    }
  }
}
