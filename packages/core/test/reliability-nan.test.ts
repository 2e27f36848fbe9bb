// NaN and Infinity propagate through ops and gradients as in PyTorch, without exceptions; anomaly
// mode (`autograd.detectAnomaly(fn)`, `autograd.setDetectAnomaly(true)`) names the op whose
// backward produced a NaN, with PyTorch's message. Values are checked at small sizes (the
// JavaScript kernels) and at sizes the WebAssembly kernels take.
import { afterEach, describe, expect, it } from 'vitest';
import {
  AutogradError, amax, amin, autograd, clamp, div, exp, isfinite, isnan, log, logsumexp, matmul, maximum, minimum, ones, relu, sigmoid, sqrt, sum, tanh, tensor,
  type Tensor,
} from '@torchlet/core';
import { valuesOf } from './helpers/property.js';

const NaN_ = Number.NaN, inf = Infinity;
const f = (v: number[], dtype: 'float32' | 'float64' = 'float32') => tensor(dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v));

/** Same values, NaN equal to NaN and infinities by sign. */
function expectValues(t: Tensor, expected: number[], label: string): void {
  const got = valuesOf(t);
  expect(got.length, label).toBe(expected.length);
  got.forEach((v, i) => {
    const e = expected[i];
    if (Number.isNaN(e)) expect(Number.isNaN(v), `${label}[${i}] = ${v}, expected NaN`).toBe(true);
    else if (!Number.isFinite(e)) expect(v, `${label}[${i}]`).toBe(e);
    else expect(Math.abs(v - e), `${label}[${i}] = ${v}, expected ${e}`).toBeLessThan(1e-6);
  });
}

// [label, computation, PyTorch's result]
const forward: [string, () => Tensor, number[]][] = [
  ['x + NaN', () => f([1, 2]).add(f([NaN_, 1])), [NaN_, 3]],
  ['1/0, -1/0, 0/0', () => div(f([1, -1, 0]), f([0, 0, 0])), [inf, -inf, NaN_]],
  ['inf - inf, inf·0', () => f([inf, inf]).sub(f([inf, -inf])).add(f([0, 0]).mul(f([inf, 1]))), [NaN_, inf]],
  ['exp(±inf)', () => exp(f([inf, -inf, NaN_])), [inf, 0, NaN_]],
  ['log(0), log(-1), log(inf)', () => log(f([0, -1, inf])), [-inf, NaN_, inf]],
  ['sqrt(-1), sqrt(inf)', () => sqrt(f([-1, inf])), [NaN_, inf]],
  ['tanh and sigmoid saturate at ±inf', () => tanh(f([inf, -inf])).add(sigmoid(f([inf, -inf]))), [2, -1]],
  ['relu(NaN) is NaN, relu(-inf) is 0', () => relu(f([NaN_, -inf, inf])), [NaN_, 0, inf]],
  ['maximum/minimum propagate NaN', () => maximum(f([NaN_, 1, 2]), f([0, NaN_, 1])).add(minimum(f([NaN_, 0, 0]), f([1, 1, 1]))), [NaN_, NaN_, 2]],
  ['clamp(NaN) is NaN', () => clamp(f([NaN_, 5, -5]), 0, 1), [NaN_, 1, 0]],
  ['sum with NaN, sum of inf and -inf', () => sum(f([1, NaN_])).reshape(1).add(sum(f([inf, -inf])).reshape(1).mul(0)), [NaN_]],
  ['amax and amin propagate NaN', () => amax(f([1, NaN_, 3])).reshape(1).add(amin(f([1, NaN_, 3])).reshape(1)), [NaN_]],
  ['max(dim) of a row with NaN gives NaN', () => f([1, NaN_, 3]).max(0).values.reshape(1), [NaN_]],
  ['argmax treats NaN as the maximum', () => f([1, NaN_, 3]).argmax().reshape(1).float(), [1]],
  ['softmax of a row with NaN is all NaN', () => f([0, NaN_, 1]).softmax(0), [NaN_, NaN_, NaN_]],
  ['logsumexp with +inf is +inf', () => logsumexp(f([inf, 0]), 0).reshape(1), [inf]],
  ['logsumexp of all -inf', () => logsumexp(f([-inf, -inf]), 0).reshape(1), [-inf]],
  ['matmul with a NaN spreads along its row and column', () => matmul(f([1, NaN_, 0, 1]).reshape(2, 2), ones([2, 2])), [NaN_, NaN_, 1, 1]],
  ['pow(0, -1) = inf, pow(-8, 1/3) = NaN', () => f([0, -8]).pow(f([-1, 1 / 3])), [inf, NaN_]],
  ['integer true division by zero gives float inf', () => div(tensor(Int32Array.from([1, 0])), tensor(Int32Array.from([0, 0]))), [inf, NaN_]],
  ['NaN compares unequal to itself', () => f([NaN_, 1]).eq(f([NaN_, 1])).float().add(f([NaN_, 1]).ne(f([NaN_, 1])).float().mul(2)), [2, 1]],
  ['isnan / isfinite', () => isnan(f([NaN_, inf, 1])).float().add(isfinite(f([NaN_, inf, 1])).float().mul(2)), [1, 0, 2]],
];

describe('NaN and Infinity propagate as in PyTorch, without exceptions', () => {
  for (const [label, run, expected] of forward) {
    it(label, () => {
      expectValues(run(), expected, label);
    });
  }

  it('at kernel sizes (the WebAssembly path): NaN and ±inf survive every elementwise op and reduction', () => {
    const n = 4096;
    const base = Float32Array.from({ length: n }, (_, i) => ((i % 17) - 8) / 4);
    base[5] = NaN_;
    base[700] = inf;
    base[2100] = -inf;
    const x = tensor(base);
    const y = x.mul(2).add(1).relu().tanh().add(x.exp().mul(0));
    // NaN stays NaN; inf gives tanh(inf) + inf·0 = NaN; -inf gives tanh(relu(-inf)) + 0·0 = 0
    expectValues(y, Array.from(base, (v) => Math.tanh(Number.isNaN(v) ? v : Math.max(2 * v + 1, 0)) + Math.exp(v) * 0), 'elementwise');
    const m = x.reshape(64, 64);
    expectValues(m.amax(1), Array.from({ length: 64 }, (_, r) => {
      const row = Array.from(base.subarray(r * 64, r * 64 + 64));
      return row.some(Number.isNaN) ? NaN_ : Math.max(...row);
    }), 'amax');
    expectValues(maximum(m, m.t()), Array.from({ length: n }, (_, i) => {
      const a = base[i], b = base[(i % 64) * 64 + Math.floor(i / 64)];
      return Number.isNaN(a) || Number.isNaN(b) ? NaN_ : Math.max(a, b);
    }), 'maximum');
    expectValues(m.sum(0), Array.from({ length: 64 }, (_, c) => {
      let s = 0;
      for (let r = 0; r < 64; r++) s += base[r * 64 + c];
      return s;
    }), 'sum');
  });

  it('gradients carry NaN silently when anomaly mode is off', () => {
    const x = tensor([0, 4], { requiresGrad: true });
    x.sqrt().mul(0).sum().backward(); // d sqrt at 0 is inf; inf·0 = NaN
    expectValues(x.grad!, [NaN_, 0], 'x.grad');
    const y = tensor([1, 2], { requiresGrad: true });
    y.mul(f([NaN_, 1])).sum().backward();
    expectValues(y.grad!, [NaN_, 1], 'y.grad');
    const z = tensor([inf, 1], { requiresGrad: true });
    z.exp().sum().backward();
    expectValues(z.grad!, [inf, Math.E], 'z.grad');
  });
});

describe('anomaly mode names the op whose backward produced NaN', () => {
  afterEach(() => autograd.setDetectAnomaly(false));

  const cases: [string, () => void, string][] = [
    ['sqrt at 0', () => tensor([0, 1], { requiresGrad: true }).sqrt().mul(0).sum().backward(), 'SqrtBackward0'],
    ['pow(x, 0.5) at 0', () => tensor([0, 1], { requiresGrad: true }).pow(0.5).mul(0).sum().backward(), 'PowBackward0'],
    ['log at 0', () => tensor([0, 1], { requiresGrad: true }).log().mul(0).sum().backward(), 'LogBackward0'],
    ['0/0 in the divisor\'s gradient (-g·a/b²)', () => div(tensor([0, 1]), tensor([0, 1], { requiresGrad: true })).sum().backward(), 'DivBackward0'],
    ['mul by NaN', () => tensor([1, 2], { requiresGrad: true }).mul(f([NaN_, 1])).sum().backward(), 'MulBackward0'],
    ['matmul with a NaN weight', () => matmul(tensor([[1, 2]], { requiresGrad: true }), f([NaN_, 1]).reshape(2, 1)).sum().backward(), 'MmBackward0'],
  ];
  for (const [label, run, name] of cases) {
    it(`${label}: ${name} (detectAnomaly(fn))`, () => {
      expect(() => autograd.detectAnomaly(run)).toThrow(new RegExp(`^Function '${name}' returned nan values in its \\d+th output\\.$`));
      expect(autograd.isAnomalyEnabled()).toBe(false);
    });
  }

  it('setDetectAnomaly(true) turns it on until turned off, and the error is an AutogradError', () => {
    autograd.setDetectAnomaly(true);
    let error: unknown;
    try {
      tensor([0], { requiresGrad: true }).sqrt().mul(0).sum().backward();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AutogradError);
    expect((error as Error).message).toBe("Function 'SqrtBackward0' returned nan values in its 0th output.");
    autograd.setDetectAnomaly(false);
    expect(() => tensor([0], { requiresGrad: true }).sqrt().mul(0).sum().backward()).not.toThrow();
  });

  it('detectAnomaly returns the value of fn, restores the previous setting after a throw, and nests', () => {
    expect(autograd.detectAnomaly(() => 42)).toBe(42);
    expect(() => autograd.detectAnomaly(() => { throw new Error('inner'); })).toThrow('inner');
    expect(autograd.isAnomalyEnabled()).toBe(false);
    autograd.setDetectAnomaly(true);
    autograd.detectAnomaly(() => undefined);
    expect(autograd.isAnomalyEnabled()).toBe(true);
  });

  it('an infinite gradient that a later rule masks is not an anomaly (as in PyTorch)', () => {
    const x = tensor([-1, 4], { requiresGrad: true });
    // sqrt's gradient at relu(-1) = 0 is inf; relu's backward masks it to 0
    expect(() => autograd.detectAnomaly(() => x.relu().sqrt().sum().backward())).not.toThrow();
    expectValues(x.grad!, [0, 0.25], 'x.grad');
    const z = tensor([1, 2], { requiresGrad: true });
    expect(() => autograd.detectAnomaly(() => z.mul(2).sum().backward())).not.toThrow();
    expectValues(z.grad!, [2, 2], 'z.grad');
  });
});
