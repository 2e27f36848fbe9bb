// Linear (y = x·Wᵀ + b, PyTorch's default init) and Identity.
import { ArgumentError, type DType, ShapeError, type Tensor, zeros } from '@torchlet/core';
import { linear } from './functional/linear.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { checkTensor, fmtShape } from './internal/checks.js';
import { pyBool } from './internal/repr.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Throws unless `n` is a non-negative integer size. @internal */
export function checkSize(n: unknown, op: string, name: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ArgumentError(`${op}: ${name} must be a non-negative integer, got ${String(n)}`);
}

/**
 * Applies `y = x·Wᵀ + b` (`torch.nn.Linear`). `weight` is `[outFeatures, inFeatures]` and
 * `bias` `[outFeatures]`, both initialised from U(-1/√in, 1/√in) as PyTorch does
 * (kaiming_uniform_ with a = √5, then the bias), so `manualSeed(s)` gives PyTorch's weights.
 */
export class Linear extends Module {
  /** Size of each input sample. */
  readonly inFeatures: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  /** `[outFeatures, inFeatures]`. */
  weight: Parameter;
  /** `[outFeatures]`, or null when built with `bias: false`. */
  declare bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: { bias?: boolean; dtype?: DType } = {}) {
    super();
    checkSize(inFeatures, 'Linear', 'inFeatures');
    checkSize(outFeatures, 'Linear', 'outFeatures');
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.registerParameter('bias', (options.bias ?? true) ? new Parameter(zeros([outFeatures], { dtype })) : null);
    this.resetParameters();
  }

  /** Re-draws the weights as the constructor does (PyTorch's `reset_parameters`). */
  resetParameters(): void {
    // a = √5 makes the bound 1/√inFeatures (PyTorch issue 57109)
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /** `input` `[*, inFeatures]` → `[*, outFeatures]`. */
  override forward(input: Tensor): Tensor {
    checkTensor(input, 'Linear.forward');
    if (input.ndim > 0 && input.shape[input.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures}): expected input with ${this.inFeatures} features ` +
          `in its last dimension, got input of shape ${fmtShape(input.shape)} (${input.shape[input.ndim - 1]} features)`,
      );
    }
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input unchanged (`torch.nn.Identity`); constructor arguments are ignored. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  /** Returns `input` itself. */
  override forward(input: Tensor): Tensor {
    return input;
  }
}
