// Argument checks shared by the functional ops, with PyTorch's wording where it has one.
import { ArgumentError, DTypeError, ShapeError, Tensor } from '@torchlet/core';

/** How a loss reduces its per-element values. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Throws unless `x` is a Tensor. */
export function checkTensor(x: unknown, op: string, arg = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    const got = x === null ? 'null' : typeof x === 'object' ? ((x as object).constructor?.name ?? 'object') : typeof x;
    throw new ArgumentError(`${op}(): argument '${arg}' must be a Tensor, not ${got}`);
  }
}

/** Throws unless `x` is a float32 or float64 tensor. */
export function checkFloating(x: Tensor, op: string, arg = 'input'): void {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`${op}(): expected '${arg}' to be a floating point tensor (float32 or float64), got ${x.dtype}; convert with .float()`);
  }
}

/** Throws unless `value` is a finite number (or an integer, with `integer`). */
export function checkNumber(value: unknown, op: string, name: string, integer = false): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || (integer && !Number.isInteger(value))) {
    throw new ArgumentError(`${op}(): argument '${name}' must be ${integer ? 'an integer' : 'a number'}, got ${String(value)}`);
  }
}

/** Validates a reduction name (PyTorch: "{} is not a valid value for reduction"). */
export function checkReduction(reduction: unknown, op: string): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ArgumentError(`${op}(): ${String(reduction)} is not a valid value for reduction (use 'mean', 'sum' or 'none')`);
  }
  return reduction;
}

/** Applies a reduction to per-element losses. */
export function applyReduction(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return loss.mean();
  if (reduction === 'sum') return loss.sum();
  return loss;
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Losses comparing elementwise need equal shapes (PyTorch warns and broadcasts; we refuse). */
export function checkSameShape(input: Tensor, target: Tensor, op: string): void {
  if (input.ndim !== target.ndim || input.shape.some((s, i) => s !== target.shape[i])) {
    throw new ShapeError(
      `${op}(): target size ${fmt(target.shape)} is different to the input size ${fmt(input.shape)}; ` +
        'reshape the target (e.g. target.view(input.shape)) so the sizes match',
    );
  }
}

/** Formats a shape as `[2, 3]`. */
export const fmtShape = fmt;
