// Activation functions. ReLU, sigmoid, tanh, softmax and log-softmax are core ops; the rest are
// composed here with PyTorch's kernel arithmetic (same operations in the same order).
import { ArgumentError, type Tensor, where } from '@torchlet/core';
import { checkFloating, checkNumber, checkTensor } from '../internal/checks.js';
import { erf } from '../internal/erf.js';

/** Computes `fn(input)` and, with `inplace`, writes it into `input` (PyTorch's `relu_` etc.). */
function maybeInPlace(input: Tensor, inplace: boolean, fn: (x: Tensor) => Tensor): Tensor {
  const out = fn(input);
  // copy_ records CopyBackwards, so the gradient still flows through `fn`'s graph
  return inplace ? input.copy_(out) : out;
}

/** `max(0, x)` (`F.relu`). With `inplace`, overwrites `input`. */
export function relu(input: Tensor, options: { inplace?: boolean } = {}): Tensor {
  checkTensor(input, 'relu');
  return maybeInPlace(input, options.inplace ?? false, (x) => x.relu());
}

/** `x` where `x > 0`, else `negativeSlope·x` (`F.leaky_relu`). */
export function leakyRelu(input: Tensor, negativeSlope = 0.01, options: { inplace?: boolean } = {}): Tensor {
  checkTensor(input, 'leakyRelu');
  checkNumber(negativeSlope, 'leakyRelu', 'negativeSlope');
  // the kernel's `x > 0 ? x : x * slope`; its gradient is 1 or slope (slope at 0, as PyTorch)
  return maybeInPlace(input, options.inplace ?? false, (x) => where(x.gt(0), x, x.mul(negativeSlope)));
}

/** The approximation used by GELU. */
export type GeluApproximate = 'none' | 'tanh';

/** √2 · (2/√π) · 0.5 = √(2/π), as PyTorch's kernel computes it. */
const K_BETA = Math.SQRT2 * 1.1283791670955126 * 0.5;

/**
 * Gaussian Error Linear Unit (`F.gelu`): `x·Φ(x) = x·0.5·(1 + erf(x/√2))`, or with
 * `approximate: 'tanh'`, `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 */
export function gelu(input: Tensor, options: { approximate?: GeluApproximate } = {}): Tensor {
  checkTensor(input, 'gelu');
  checkFloating(input, 'gelu');
  const approximate = options.approximate ?? 'none';
  if (approximate === 'tanh') {
    const cube = input.mul(input).mul(input);
    const inner = input.add(cube.mul(0.044715)).mul(K_BETA);
    return input.mul(0.5).mul(inner.tanh().add(1));
  }
  if (approximate !== 'none') throw new ArgumentError(`gelu(): approximate argument must be either 'none' or 'tanh', got ${String(approximate)}`);
  return input.mul(0.5).mul(erf(input.mul(Math.SQRT1_2)).add(1));
}

/** Logistic sigmoid (`F.sigmoid`). */
export function sigmoid(input: Tensor): Tensor {
  checkTensor(input, 'sigmoid');
  return input.sigmoid();
}

/** Hyperbolic tangent (`F.tanh`). */
export function tanh(input: Tensor): Tensor {
  checkTensor(input, 'tanh');
  return input.tanh();
}

/** PyTorch's legacy choice when no dim is given: 0 for 0-, 1- and 3-d inputs, else 1. */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/**
 * Softmax along `dim` (`F.softmax`). Without `dim`, PyTorch's deprecated implicit choice
 * is used (0 for 0-, 1- and 3-d inputs, else 1); pass `dim` explicitly.
 */
export function softmax(input: Tensor, dim?: number | null): Tensor {
  checkTensor(input, 'softmax');
  return input.softmax(dim ?? implicitSoftmaxDim(input.ndim));
}

/** Log-softmax along `dim` (`F.log_softmax`); `dim` defaults as in `softmax`. */
export function logSoftmax(input: Tensor, dim?: number | null): Tensor {
  checkTensor(input, 'logSoftmax');
  return input.logSoftmax(dim ?? implicitSoftmaxDim(input.ndim));
}
