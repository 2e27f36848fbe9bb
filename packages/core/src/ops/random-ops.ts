// In-place random fills (Tensor.uniform_, normal_, bernoulli_), drawn from the default
// generator in PyTorch's order so seeded initialisation matches PyTorch's CPU values.
import { checkInPlace } from '../autograd/record.js';
import { isFloating } from '../dtype.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { bernoulliDraw, fillNormal, fillUniform } from '../random.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { checkTensor } from './operand.js';

/**
 * Runs `fill` on contiguous storage of `self`. A strided `self` is filled through a temporary whose
 * values go to the elements in memory order (smallest stride innermost), the order PyTorch's
 * TensorIterator visits them in, so `x.t().uniform_()` draws as PyTorch does.
 */
function fillWith(self: Tensor, op: string, fill: (data: Float32Array | Float64Array, contiguous: boolean) => void): Tensor {
  checkTensor(self, op, 'self');
  if (!isFloating(self.dtype)) throw new DTypeError(`${op}: expected a floating point tensor, got ${self.dtype}`);
  checkInPlace(self, []);
  const n = self.numel();
  if (self.isContiguous()) fill(self._data.subarray(self._offset, self._offset + n) as Float32Array | Float64Array, true);
  else {
    const tmp = emptyLike(self);
    fill(tmp._data as Float32Array | Float64Array, false);
    const offsets = memoryOrder(self);
    for (let i = 0; i < n; i++) self._data[offsets[i]] = tmp._data[i];
  }
  (self._version ??= { value: 0 }).value++;
  return self;
}

/** Storage offsets of `t`'s elements, visiting dims from the largest stride to the smallest. */
function memoryOrder(t: Tensor): number[] {
  const dims = t.shape.map((_, d) => d).sort((a, b) => t._strides[b] - t._strides[a]);
  const out: number[] = [];
  const walk = (k: number, off: number): void => {
    if (k === dims.length) out.push(off);
    else for (let i = 0; i < t.shape[dims[k]]; i++) walk(k + 1, off + i * t._strides[dims[k]]);
  };
  walk(0, t._offset);
  return out;
}

function checkNumber(value: unknown, name: string, op: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new ArgumentError(`${op}: ${name} must be a number, got ${String(value)}`);
}

/** Fills `self` with U(from, to) samples in place (`Tensor.uniform_`). */
export function uniform_(self: Tensor, from = 0, to = 1): Tensor {
  checkNumber(from, 'from', 'uniform_');
  checkNumber(to, 'to', 'uniform_');
  if (from > to) throw new ArgumentError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  return fillWith(self, 'uniform_', (d) => fillUniform(d, from, to));
}

/** Fills `self` with N(mean, std²) samples in place (`Tensor.normal_`). */
export function normal_(self: Tensor, mean = 0, std = 1): Tensor {
  checkNumber(mean, 'mean', 'normal_');
  checkNumber(std, 'std', 'normal_');
  if (std < 0) throw new ArgumentError(`normal expects std >= 0.0, but found std ${std}`);
  return fillWith(self, 'normal_', (d, contiguous) => fillNormal(d, mean, std, contiguous));
}

/** Fills `self` with 1 with probability `p`, else 0, in place (`Tensor.bernoulli_`). */
export function bernoulli_(self: Tensor, p = 0.5): Tensor {
  checkNumber(p, 'p', 'bernoulli_');
  if (p < 0 || p > 1) throw new ArgumentError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
  return fillWith(self, 'bernoulli_', (d) => {
    for (let i = 0; i < d.length; i++) d[i] = bernoulliDraw(p);
  });
}
