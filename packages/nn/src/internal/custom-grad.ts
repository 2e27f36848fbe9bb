// A differentiable elementwise function from a value computed outside autograd and a backward
// written with differentiable core ops, using only core's public API: the output is
// `value + (c - c.detach())` where `c` is a fresh node on the input, and a hook on `c`
// replaces the gradient reaching it by `backward(grad)`. The added term is exactly 0, so the
// value is bit-for-bit `value`; with createGraph the backward itself is differentiable.
// Core has no custom-function API; ops using this should become fused core ops.
import { AutogradError, isGradEnabled, type Tensor } from '@torchlet/core';

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * `value` (same shape as `input`, not requiring grad) with d(output)/d(input) given by
 * `backward(grad)`, which must return a tensor of the input's shape. `backward` may read
 * `input` and the tensors in `saved`; modifying any of them in place before the backward
 * makes it throw, as PyTorch does for saved tensors.
 */
export function withGradient(value: Tensor, input: Tensor, backward: (grad: Tensor) => Tensor, op: string, saved: readonly Tensor[] = []): Tensor {
  if (!isGradEnabled() || !input.requiresGrad) return value;
  // clamp to the finite range: for ±inf inputs c - c would be NaN instead of 0
  const max = input.dtype === 'float64' ? Number.MAX_VALUE : FLOAT32_MAX;
  const carrier = input.clamp(-max, max);
  const tensors = [input, ...saved];
  const versions = tensors.map((t) => t.version);
  carrier.registerHook((grad) => {
    tensors.forEach((t, i) => {
      if (t.version !== versions[i]) {
        throw new AutogradError(
          `one of the variables needed for gradient computation has been modified by an inplace operation: an operand of ${op} ` +
            `is at version ${t.version}; expected version ${versions[i]} instead.`,
        );
      }
    });
    return backward(grad);
  });
  return carrier.sub(carrier.detach()).add(value);
}
