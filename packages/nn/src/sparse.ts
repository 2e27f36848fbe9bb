// Embedding: a lookup table initialised from N(0, 1), with the padding row zeroed.
import { ArgumentError, type DType, noGrad, type Tensor, zeros } from '@torchlet/core';
import { embedding, type EmbeddingOptions, resolvePaddingIdx } from './functional/embedding.js';
import { normal_ } from './init.js';
import { pyFloat } from './internal/repr.js';
import { checkSize } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of `Embedding` (PyTorch's keyword arguments). */
export interface EmbeddingModuleOptions extends EmbeddingOptions {
  /** Use this tensor (shape `[numEmbeddings, embeddingDim]`) as the weight instead of a random one. */
  _weight?: Tensor | null;
  /** Weight dtype (default float32). */
  dtype?: DType;
}

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim`, looked up by int32 indices
 * (`torch.nn.Embedding`). The weight starts as N(0, 1) samples (PyTorch's draws under
 * `manualSeed`) with the `paddingIdx` row zeroed; that row never receives a gradient.
 */
export class Embedding extends Module {
  /** Number of rows. */
  readonly numEmbeddings: number;
  /** Size of each row. */
  readonly embeddingDim: number;
  /** The row that gets no gradient (non-negative), or null. */
  readonly paddingIdx: number | null;
  /** Looked-up rows are renormalised to at most this norm, or null. */
  readonly maxNorm: number | null;
  /** The p of the norm for `maxNorm`. */
  readonly normType: number;
  /** Unsupported option, kept for printing. */
  readonly scaleGradByFreq: boolean;
  /** Unsupported option, kept for printing. */
  readonly sparse: boolean;
  /** `[numEmbeddings, embeddingDim]`. */
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingModuleOptions = {}) {
    super();
    checkSize(numEmbeddings, 'Embedding', 'numEmbeddings');
    checkSize(embeddingDim, 'Embedding', 'embeddingDim');
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = resolvePaddingIdx(options.paddingIdx, numEmbeddings);
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    this.scaleGradByFreq = options.scaleGradByFreq ?? false;
    this.sparse = options.sparse ?? false;
    const given = options._weight ?? null;
    if (given === null) {
      this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype: options.dtype ?? 'float32' }));
      this.resetParameters();
    } else {
      if (given.ndim !== 2 || given.shape[0] !== numEmbeddings || given.shape[1] !== embeddingDim) {
        throw new ArgumentError('Shape of weight does not match num_embeddings and embedding_dim');
      }
      this.weight = new Parameter(given);
    }
  }

  /**
   * An Embedding whose weight is `embeddings` (shared, not copied), frozen unless `freeze: false`
   * (`Embedding.from_pretrained`).
   */
  static fromPretrained(embeddings: Tensor, options: EmbeddingOptions & { freeze?: boolean } = {}): Embedding {
    if (embeddings.ndim !== 2) throw new ArgumentError('Embeddings parameter is expected to be 2-dimensional');
    const { freeze = true, ...rest } = options;
    const e = new Embedding(embeddings.shape[0], embeddings.shape[1], { ...rest, _weight: embeddings });
    e.weight.requiresGrad = !freeze;
    return e;
  }

  /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    normal_(this.weight);
    const padding = this.paddingIdx;
    if (padding !== null) noGrad(() => this.weight.select(0, padding).fill_(0));
  }

  /** `embedding(input, weight, ...)`: `[...input.shape]` int32 → `[...input.shape, embeddingDim]`. */
  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
      scaleGradByFreq: this.scaleGradByFreq,
      sparse: this.sparse,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    if (this.sparse) s += ', sparse=True';
    return s;
  }
}
