// Loss modules: store the options, call the functional form. Class weights are buffers, as in
// PyTorch (`weight`, `pos_weight`), so they appear in the state dict.
import type { Tensor } from '@torchlet/core';
import * as F from './functional/loss.js';
import { checkReduction, type Reduction } from './internal/checks.js';
import { Module } from './module.js';

/** Base of the loss modules: holds `reduction`. */
export class Loss extends Module {
  /** How per-element losses are combined. */
  readonly reduction: Reduction;
  constructor(reduction: Reduction = 'mean') {
    super();
    this.reduction = checkReduction(reduction, this._getName());
  }
}

/** Base of the losses with a class/element `weight` buffer (PyTorch's `_WeightedLoss`). */
export class WeightedLoss extends Loss {
  /** The `weight` buffer, or null. */
  declare weight: Tensor | null;
  constructor(weight: Tensor | null | undefined, reduction: Reduction = 'mean') {
    super(reduction);
    this.registerBuffer('weight', weight ?? null);
  }
}

/** Mean squared error (`torch.nn.MSELoss`). */
export class MSELoss extends Loss {
  constructor(options: F.ReductionOptions = {}) {
    super(options.reduction);
  }
  /** `mseLoss(input, target)`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error (`torch.nn.L1Loss`). */
export class L1Loss extends Loss {
  constructor(options: F.ReductionOptions = {}) {
    super(options.reduction);
  }
  /** `l1Loss(input, target)`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Smooth L1 loss with threshold `beta` (`torch.nn.SmoothL1Loss`). */
export class SmoothL1Loss extends Loss {
  /** Where the loss turns from quadratic to linear. */
  readonly beta: number;
  constructor(options: F.ReductionOptions & { beta?: number } = {}) {
    super(options.reduction);
    this.beta = options.beta ?? 1;
  }
  /** `smoothL1Loss(input, target, { beta })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Huber loss with threshold `delta` (`torch.nn.HuberLoss`). */
export class HuberLoss extends Loss {
  /** Where the loss turns from quadratic to linear. */
  readonly delta: number;
  constructor(options: F.ReductionOptions & { delta?: number } = {}) {
    super(options.reduction);
    this.delta = options.delta ?? 1;
  }
  /** `huberLoss(input, target, { delta })`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Negative log likelihood of class indices (`torch.nn.NLLLoss`). */
export class NLLLoss extends WeightedLoss {
  /** Target value that contributes nothing. */
  readonly ignoreIndex: number;
  constructor(options: F.ClassificationOptions = {}) {
    super(options.weight, options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  /** `nllLoss(input, target, ...)`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Cross entropy of raw scores against class indices or probabilities (`torch.nn.CrossEntropyLoss`). */
export class CrossEntropyLoss extends WeightedLoss {
  /** Target value that contributes nothing. */
  readonly ignoreIndex: number;
  /** Amount of smoothing towards the uniform distribution. */
  readonly labelSmoothing: number;
  constructor(options: F.CrossEntropyOptions = {}) {
    super(options.weight, options.reduction);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  /** `crossEntropy(input, target, ...)`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Binary cross entropy of probabilities (`torch.nn.BCELoss`). */
export class BCELoss extends WeightedLoss {
  constructor(options: F.BinaryCrossEntropyOptions = {}) {
    super(options.weight, options.reduction);
  }
  /** `binaryCrossEntropy(input, target, ...)`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Binary cross entropy on logits, computed stably (`torch.nn.BCEWithLogitsLoss`). */
export class BCEWithLogitsLoss extends WeightedLoss {
  constructor(options: F.BinaryCrossEntropyOptions & { posWeight?: Tensor | null } = {}) {
    super(options.weight, options.reduction);
    // PyTorch's buffer is named pos_weight, and state dicts use that key
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }
  /** The `pos_weight` buffer. */
  get posWeight(): Tensor | null {
    return this._buffers.get('pos_weight') ?? null;
  }
  /** `binaryCrossEntropyWithLogits(input, target, ...)`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, reduction: this.reduction, posWeight: this.posWeight });
  }
}
