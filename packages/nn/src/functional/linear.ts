// F.linear: y = x·Wᵀ + b.
import { linear as fusedLinear, linearRelu as fusedLinearRelu, ShapeError, type Tensor } from '@torchlet/core';
import { checkTensor, fmtShape } from '../internal/checks.js';

/**
 * `input · weightᵀ + bias` (`torch.nn.functional.linear`): `input` is `[*, in]`, `weight` is
 * `[out, in]` (or `[in]`), `bias` is `[out]`; the result is `[*, out]`.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkLinear(input, weight, bias);
  // core's linear is one fused kernel (AddmmBackward0) for the common [*, in]·[out, in]ᵀ + [out] case
  return fusedLinear(input, weight, bias);
}

/**
 * `relu(linear(input, weight, bias))`, one fused kernel where no graph is recorded (what
 * `Sequential` runs for a Linear followed by a ReLU). @internal
 */
export function linearRelu(input: Tensor, weight: Tensor, bias: Tensor): Tensor {
  checkLinear(input, weight, bias);
  return fusedLinearRelu(input, weight, bias);
}

function checkLinear(input: Tensor, weight: Tensor, bias?: Tensor | null): void {
  checkTensor(input, 'linear');
  checkTensor(weight, 'linear', 'weight');
  if (bias !== undefined && bias !== null) checkTensor(bias, 'linear', 'bias');
  if (input.ndim === 0 || weight.ndim === 0) {
    throw new ShapeError(`linear(): both arguments to linear need to be at least 1D, but they are ${input.ndim}D and ${weight.ndim}D`);
  }
  if (weight.ndim > 2) throw new ShapeError(`linear(): weight must be 1-D or 2-D ([out_features, in_features]), got shape ${fmtShape(weight.shape)}`);
  const inFeatures = weight.shape[weight.ndim - 1];
  const got = input.shape[input.ndim - 1];
  if (got !== inFeatures) {
    const rows = input.numel() / Math.max(got, 1);
    const mat2 = weight.ndim === 2 ? `${weight.shape[1]}x${weight.shape[0]}` : `${weight.shape[0]}`;
    throw new ShapeError(
      `linear(): input has ${got} features in its last dimension (input shape ${fmtShape(input.shape)}) but the weight ` +
        `${fmtShape(weight.shape)} expects ${inFeatures} (mat1 and mat2 shapes cannot be multiplied (${rows}x${got} and ${mat2}))`,
    );
  }
}
