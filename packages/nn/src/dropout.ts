// Dropout: active only in training mode.
import { ArgumentError, type Tensor } from '@torchlet/core';
import { dropout } from './functional/dropout.js';
import { checkNumber } from './internal/checks.js';
import { pyBool, pyFloat } from './internal/repr.js';
import { Module } from './module.js';

/**
 * During training, zeroes each element with probability `p` and scales the others by
 * `1/(1-p)` (`torch.nn.Dropout`); in eval mode it returns its input. Seeded by `manualSeed`,
 * drawing the same mask as PyTorch 1.13 on CPU.
 */
export class Dropout extends Module {
  /** Probability of zeroing an element. */
  readonly p: number;
  /** Whether the input is overwritten. */
  readonly inplace: boolean;
  constructor(p = 0.5, options: { inplace?: boolean } = {}) {
    super();
    checkNumber(p, 'Dropout', 'p');
    if (p < 0 || p > 1) throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${pyFloat(p)}`);
    this.p = p;
    this.inplace = options.inplace ?? false;
  }
  /** `dropout(input, p, training)`. */
  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, { inplace: this.inplace });
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}
