// Activation modules: thin wrappers over the functional forms with PyTorch's printouts.
import type { Tensor } from '@torchlet/core';
import * as F from './functional/activation.js';
import { checkNumber } from './internal/checks.js';
import { pyFloat, pyStr } from './internal/repr.js';
import { Module } from './module.js';

/** `max(0, x)` (`torch.nn.ReLU`). With `inplace`, overwrites the input. */
export class ReLU extends Module {
  /** Whether the input is overwritten. */
  readonly inplace: boolean;
  constructor(options: { inplace?: boolean } = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }
  /** `relu(input)`. */
  override forward(input: Tensor): Tensor {
    return F.relu(input, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** `x` for `x > 0`, else `negativeSlope·x` (`torch.nn.LeakyReLU`). */
export class LeakyReLU extends Module {
  /** Slope for negative inputs. */
  readonly negativeSlope: number;
  /** Whether the input is overwritten. */
  readonly inplace: boolean;
  constructor(negativeSlope = 0.01, options: { inplace?: boolean } = {}) {
    super();
    checkNumber(negativeSlope, 'LeakyReLU', 'negativeSlope');
    this.negativeSlope = negativeSlope;
    this.inplace = options.inplace ?? false;
  }
  /** `leakyRelu(input, negativeSlope)`. */
  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** Gaussian Error Linear Unit (`torch.nn.GELU`), exact (erf) or with `approximate: 'tanh'`. */
export class GELU extends Module {
  /** `'none'` (erf) or `'tanh'`. */
  readonly approximate: F.GeluApproximate;
  constructor(options: { approximate?: F.GeluApproximate } = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
  }
  /** `gelu(input)`. */
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
}

/** Logistic sigmoid (`torch.nn.Sigmoid`). */
export class Sigmoid extends Module {
  /** `sigmoid(input)`. */
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** Hyperbolic tangent (`torch.nn.Tanh`). */
export class Tanh extends Module {
  /** `tanh(input)`. */
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/** Softmax along `dim` (`torch.nn.Softmax`); without `dim`, PyTorch's deprecated implicit choice. */
export class Softmax extends Module {
  /** The dim normalised over (null: PyTorch's implicit choice). */
  readonly dim: number | null;
  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }
  /** `softmax(input, dim)`. */
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/** Log-softmax along `dim` (`torch.nn.LogSoftmax`). */
export class LogSoftmax extends Module {
  /** The dim normalised over (null: PyTorch's implicit choice). */
  readonly dim: number | null;
  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }
  /** `logSoftmax(input, dim)`. */
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}
