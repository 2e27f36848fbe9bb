// F.dropout with PyTorch 1.13's CPU algorithm, so a seeded run draws the same mask:
// noise = empty_like(x).bernoulli_(1 - p).div_(1 - p); out = x * noise.
import { ArgumentError, type Tensor, zeros, zerosLike } from '@torchlet/core';
import { checkNumber, checkTensor } from '../internal/checks.js';
import { pyFloat } from '../internal/repr.js';

/**
 * Zeroes each element with probability `p` and scales the rest by `1/(1-p)` when `training`
 * (`F.dropout`); otherwise returns `input` itself. Draws from the generator seeded by
 * `manualSeed`, element by element in PyTorch's order. With `inplace`, writes into `input`.
 */
export function dropout(input: Tensor, p = 0.5, training = true, options: { inplace?: boolean } = {}): Tensor {
  checkTensor(input, 'dropout');
  checkNumber(p, 'dropout', 'p');
  if (p < 0 || p > 1) throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${pyFloat(p)}`);
  const inplace = options.inplace ?? false;
  if (p === 0 || !training || input.numel() === 0) return input;
  if (p === 1) {
    const zero = zeros([], { dtype: input.dtype });
    return inplace ? input.mul_(zero) : input.mul(zero);
  }
  const noise = zerosLike(input).bernoulli_(1 - p).div_(1 - p);
  return inplace ? input.mul_(noise) : input.mul(noise);
}
