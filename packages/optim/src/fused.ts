// PyTorch's fused update kernels (add with alpha, addcmul, addcdiv), composed from core ops so
// that each rounds where PyTorch's CPU kernel rounds. Measured on PyTorch 1.13 (AVX2):
//   add(a, b, alpha)        = fma(b, alpha, a)          one rounding (Vectorized fmadd)
//   addcmul(s, t1, t2, v)   = fma(v·t1, t2, s)          v·t1 rounded, then one rounding
//   addcdiv(s, t1, t2, v)   = s + (v·t1) / t2           three roundings
// with the scalar rounded to the tensor's dtype first. Core's `add`/`add_` with `alpha` already
// round once (its fused axpy kernel). For addcmul the product is formed in float64, where the
// product of two float32 values is exact, and the sum is rounded once on the way back (double
// rounding through float64 differs from a true fma with probability about 2^-29). float64 has no
// wider type to borrow: there the product is rounded separately, so float64 results can differ
// from PyTorch's in the last bit. Every function expects its operands to share `self`'s dtype
// (the optimizers check this).
import type { Tensor } from '@torchlet/core';

/** `self += alpha·other` in place, rounded like PyTorch's `self.add_(other, alpha=alpha)`. */
export function addScaled_(self: Tensor, other: Tensor, alpha: number): Tensor {
  return self.add_(other, alpha);
}

/** `a + alpha·b` as a new tensor, rounded like PyTorch's `a.add(b, alpha=alpha)`. */
export function addScaled(a: Tensor, b: Tensor, alpha: number): Tensor {
  return a.add(b, alpha);
}

/** `self += value·t1·t2` in place, rounded like PyTorch's `self.addcmul_(t1, t2, value=value)`. */
export function addcmul_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  const scaled = value === 1 ? t1 : t1.mul(value);
  if (self.dtype === 'float32') return self.add_(scaled.to('float64').mul(t2));
  return self.add_(scaled.mul(t2));
}

/** `self + value·t1·t2` as a new tensor, rounded like PyTorch's `self.addcmul(t1, t2, value=value)`. */
export function addcmul(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  const scaled = value === 1 ? t1 : t1.mul(value);
  if (self.dtype === 'float32') return self.add(scaled.to('float64').mul(t2)).to('float32');
  return self.add(scaled.mul(t2));
}

/** `self += value·t1 / t2` in place, rounded like PyTorch's `self.addcdiv_(t1, t2, value=value)`. */
export function addcdiv_(self: Tensor, t1: Tensor, t2: Tensor, value: number): Tensor {
  // value·t1 first, then the division: PyTorch's kernel computes `self + value * t1 / t2` left to right
  const scaled = value === 1 ? t1 : t1.mul(value);
  return self.add_(scaled.div(t2));
}
