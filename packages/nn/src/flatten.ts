// Flatten: a module around Tensor.flatten with PyTorch's batch-keeping defaults.
import type { Tensor } from '@torchlet/core';
import { checkTensor } from './internal/checks.js';
import { Module } from './module.js';

/** Flattens dims `startDim..endDim` (default 1..-1, keeping the batch dim) (`torch.nn.Flatten`). */
export class Flatten extends Module {
  /** First dim to flatten. */
  readonly startDim: number;
  /** Last dim to flatten (may be negative). */
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** `input.flatten(startDim, endDim)`. */
  override forward(input: Tensor): Tensor {
    checkTensor(input, 'Flatten.forward');
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
