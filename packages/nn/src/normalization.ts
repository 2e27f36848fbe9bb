// LayerNorm: normalises over the trailing dims, with a learnable elementwise affine (ones, zeros).
import { type DType, type Tensor, zeros } from '@torchlet/core';
import { layerNorm, shapeArg } from './functional/normalization.js';
import { ones_, zeros_ } from './init.js';
import { checkNumber } from './internal/checks.js';
import { pyBool, pyFloat, pyTuple } from './internal/repr.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of `LayerNorm` (PyTorch's keyword arguments). */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn `weight` (init ones) and `bias` (init zeros) of the normalized shape (default true). */
  elementwiseAffine?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/** Layer normalisation over the last dims, shaped `normalizedShape` (`torch.nn.LayerNorm`). */
export class LayerNorm extends Module {
  /** The trailing shape normalised over. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Whether `weight` and `bias` exist. */
  readonly elementwiseAffine: boolean;
  /** Elementwise scale (init ones), or null. */
  declare weight: Parameter | null;
  /** Elementwise shift (init zeros), or null. */
  declare bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = shapeArg(normalizedShape, 'LayerNorm');
    this.eps = options.eps ?? 1e-5;
    checkNumber(this.eps, 'LayerNorm', 'eps');
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float32';
    const make = () => (this.elementwiseAffine ? new Parameter(zeros(this.normalizedShape.slice(), { dtype })) : null);
    this.registerParameter('weight', make());
    this.registerParameter('bias', make());
    this.resetParameters();
  }

  /** Sets weight to ones and bias to zeros (no random draws). */
  resetParameters(): void {
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  /** `layerNorm(input, normalizedShape, weight, bias, eps)`. */
  override forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
