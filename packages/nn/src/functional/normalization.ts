// F.layer_norm, composed: (x - mean) / sqrt(var + eps) · weight + bias over the trailing dims.
// (PyTorch has one fused NativeLayerNorm op; ours records the composite's nodes.)
import { ShapeError, type Tensor } from '@torchlet/core';
import { checkFloating, checkNumber, checkTensor, fmtShape } from '../internal/checks.js';

/** Normalises a trailing shape argument (`4` or `[2, 4]`) to an array. */
export function shapeArg(shape: number | readonly number[], op: string): number[] {
  const s = typeof shape === 'number' ? [shape] : [...shape];
  if (s.length === 0) throw new ShapeError(`${op}(): Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []`);
  for (const d of s) checkNumber(d, op, 'normalizedShape', true);
  return s;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * Layer normalisation over the last `normalizedShape.length` dims (`F.layer_norm`), with the
 * biased variance and `eps` inside the square root, then optional elementwise `weight` and `bias`.
 */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkTensor(input, 'layerNorm');
  checkFloating(input, 'layerNorm');
  checkNumber(eps, 'layerNorm', 'eps');
  const shape = shapeArg(normalizedShape, 'layerNorm');
  const k = shape.length;
  if (input.ndim < k || !sameShape(input.shape.slice(input.ndim - k), shape)) {
    throw new ShapeError(
      `layerNorm(): Given normalized_shape=${fmtShape(shape)}, expected input with shape [*, ${shape.join(', ')}], but got input of size ${fmtShape(input.shape)}`,
    );
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t === undefined || t === null) continue;
    checkTensor(t, 'layerNorm', name);
    if (!sameShape(t.shape, shape)) {
      throw new ShapeError(`layerNorm(): Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${fmtShape(t.shape)} and normalized_shape = ${fmtShape(shape)}`);
    }
  }
  const dims = shape.map((_, i) => input.ndim - k + i);
  const mean = input.mean(dims, true);
  const centered = input.sub(mean);
  const variance = centered.mul(centered).mean(dims, true);
  const rstd = variance.add(eps).sqrt().reciprocal();
  let out = centered.mul(rstd);
  if (weight !== undefined && weight !== null) out = out.mul(weight);
  if (bias !== undefined && bias !== null) out = out.add(bias);
  return out;
}
