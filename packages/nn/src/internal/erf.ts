// The error function, which core lacks (GELU needs it): values from a float64 series /
// continued fraction, the gradient 2/√π·exp(-x²) from differentiable core ops.
import { DTypeError, type Tensor, zerosLike } from '@torchlet/core';
import { withGradient } from './custom-grad.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** erf(x) in float64, accurate to a few ulp: Maclaurin series below 2.5, Lentz's continued fraction for erfc above. */
export function erfScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) {
    // erf(x) = 2/√π Σ (-1)ⁿ x^(2n+1) / (n! (2n+1))
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  if (a > 6) return Math.sign(x);
  // erfc(a) = exp(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...)))))
  const tiny = 1e-300;
  let f = a;
  let c = a;
  let d = 0;
  for (let k = 1; k < 300; k++) {
    const num = k / 2;
    d = a + num * d;
    d = d === 0 ? tiny : 1 / d;
    c = a + num / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / (f * Math.sqrt(Math.PI));
  return Math.sign(x) * (1 - erfc);
}

/** Elementwise erf (`torch.erf`), differentiable to any order. */
export function erf(x: Tensor): Tensor {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`erf(): expected a floating point tensor, got ${x.dtype}`);
  const src = x.contiguous();
  const out = zerosLike(x);
  const n = out.numel();
  for (let i = 0; i < n; i++) out._data[i] = erfScalar(src._data[src._offset + i]);
  // d erf(x) = 2/√π · exp(-x²)
  return withGradient(out, x, (g) => g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI)), 'erf');
}
