// torch.nn.utils.clip_grad_norm_ / clip_grad_value_, with PyTorch's arithmetic: per-tensor norms
// stacked and normed again, coefficient max_norm / (total + 1e-6) clamped at 1, applied to
// every gradient (also when it is 1, as PyTorch does to avoid a branch).
import { ArgumentError, noGrad, stack, Tensor, tensor } from '@torchlet/core';

function gradsOf(parameters: Tensor | Iterable<Tensor>, op: string): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  for (const p of list) if (!(p instanceof Tensor)) throw new ArgumentError(`${op}(): parameters must be Tensors`);
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/**
 * Scales the gradients of `parameters` in place so that their combined `normType`-norm is at
 * most `maxNorm` (`torch.nn.utils.clip_grad_norm_`). Returns the total norm before clipping
 * (a 0-d tensor). With `errorIfNonfinite`, a NaN or infinite total norm throws instead.
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: { errorIfNonfinite?: boolean } = {},
): Tensor {
  if (typeof maxNorm !== 'number' || typeof normType !== 'number') throw new ArgumentError('clipGradNorm_(): maxNorm and normType must be numbers');
  const grads = gradsOf(parameters, 'clipGradNorm_');
  if (grads.length === 0) return tensor(0);
  return noGrad(() => {
    let total: Tensor;
    if (normType === Infinity) {
      const norms = grads.map((g) => g.detach().abs().amax());
      total = norms.length === 1 ? norms[0] : stack(norms).amax();
    } else {
      total = stack(grads.map((g) => g.detach().norm(normType))).norm(normType);
    }
    const t = total.item();
    if (options.errorIfNonfinite && !Number.isFinite(t)) {
      throw new ArgumentError(
        `The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
          'To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`',
      );
    }
    // max_norm / (total + 1e-6) is Tensor.__rtruediv__ in PyTorch: reciprocal() * max_norm
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1.0);
    for (const g of grads) g.detach().mul_(coef);
    return total;
  });
}

/** Clamps every gradient of `parameters` into `[-clipValue, clipValue]` in place (`torch.nn.utils.clip_grad_value_`). */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) throw new ArgumentError(`clipGradValue_(): clipValue must be a number, got ${String(clipValue)}`);
  const grads = gradsOf(parameters, 'clipGradValue_');
  noGrad(() => {
    for (const g of grads) g.detach().clamp_(-clipValue, clipValue);
  });
}
