// F.embedding: rows of `weight` picked by integer indices, with padding_idx (no gradient to that
// row) and max_norm (renormalise the looked-up rows in place first, as PyTorch does).
import { ArgumentError, DTypeError, DimError, noGrad, ShapeError, type Tensor, where } from '@torchlet/core';
import { checkNumber, checkTensor, fmtShape } from '../internal/checks.js';

/** Options of `embedding` (PyTorch's keyword arguments). */
export interface EmbeddingOptions {
  /** Row whose gradient is always zero (may be negative, counted from the end). */
  paddingIdx?: number | null;
  /** Rows looked up with a larger `normType`-norm are rescaled in place to this norm. */
  maxNorm?: number | null;
  /** The p of the norm for `maxNorm` (default 2). */
  normType?: number;
  /** Not supported (PyTorch scales gradients by inverse index frequency). */
  scaleGradByFreq?: boolean;
  /** Not supported: torchlet has no sparse gradients. */
  sparse?: boolean;
}

/** Resolves a padding index against `rows` (negative counts from the end). @internal */
export function resolvePaddingIdx(paddingIdx: number | null | undefined, rows: number): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  checkNumber(paddingIdx, 'embedding', 'paddingIdx', true);
  if (paddingIdx >= rows || paddingIdx < -rows) {
    throw new ArgumentError(`Padding_idx must be within num_embeddings (got paddingIdx=${paddingIdx} for ${rows} embeddings)`);
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

function indexValues(input: Tensor): ArrayLike<number> {
  const c = input.contiguous();
  return c._data.subarray(c._offset, c._offset + c.numel());
}

/** PyTorch's embedding_renorm_: each distinct looked-up row with norm > maxNorm is scaled by maxNorm / (norm + 1e-7). */
function renorm(weight: Tensor, indices: ArrayLike<number>, maxNorm: number, normType: number): void {
  const rows = [...new Set(Array.from(indices))].sort((a, b) => a - b);
  noGrad(() => {
    for (const r of rows) {
      const row = weight.select(0, r);
      const norm = row.norm(normType).item();
      if (norm > maxNorm) row.mul_(maxNorm / (norm + 1e-7));
    }
  });
}

/**
 * Looks up rows of `weight` (`[numEmbeddings, dim]`) at the int32 indices in `input` (any
 * shape); the result has shape `[...input.shape, dim]` (`F.embedding`).
 */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  checkTensor(input, 'embedding');
  checkTensor(weight, 'embedding', 'weight');
  if (input.dtype !== 'int32') {
    throw new DTypeError(`embedding(): expected the indices (argument 'input') to be an int32 tensor, but got ${input.dtype}; convert with .int()`);
  }
  if (weight.ndim !== 2) throw new ShapeError(`embedding(): 'weight' must be 2-D [numEmbeddings, embeddingDim], got shape ${fmtShape(weight.shape)}`);
  if (options.scaleGradByFreq) throw new ArgumentError('embedding(): scaleGradByFreq is not supported by torchlet');
  if (options.sparse) throw new ArgumentError('embedding(): sparse gradients are not supported by torchlet');
  const [rows, dim] = weight.shape;
  const paddingIdx = resolvePaddingIdx(options.paddingIdx, rows);
  const values = indexValues(input);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || v >= rows) {
      throw new DimError(`embedding(): index out of range in self: index ${v} at position ${i} is outside [0, ${rows}) for a weight of ${rows} rows`);
    }
  }
  if (options.maxNorm !== undefined && options.maxNorm !== null) {
    checkNumber(options.maxNorm, 'embedding', 'maxNorm');
    renorm(weight, values, options.maxNorm, options.normType ?? 2);
  }
  const flat = input.reshape([-1]);
  let out = weight.indexSelect(0, flat);
  if (paddingIdx !== null && weight.requiresGrad) {
    // same values, but the padding row's lookups pass no gradient back to the weight
    out = where(flat.eq(paddingIdx).unsqueeze(1), out.detach(), out);
  }
  return out.reshape([...input.shape, dim]);
}
