// The random generator against PyTorch's CPU streams: every scenario of fixtures/random.json
// (written by scripts/fixtures/core_random.py with PyTorch 1.13) seeds the default generator,
// replays the same ops in torchlet, and compares each value. Values must be bit-exact, except
// steps marked `approx`: 'simd' (float32 normals of contiguous tensors with ≥ 16 elements, which
// PyTorch computes with AVX2/Sleef float32 math) agree to float32 rounding, and 'libm' (float64
// normals, whose log/sin/cos come from glibc in PyTorch and from V8 here) to a few float64 ulps.
import { describe, expect, it } from 'vitest';
import { initialSeed, manualSeed, rand, randint, randn, randperm, zeros, type Tensor } from '@torchlet/core';
import { fma, fmaf } from '../src/random.js';
import fixture from './fixtures/random.json';

interface Step {
  op: 'manual_seed' | 'initial_seed' | 'rand' | 'randn' | 'uniform_' | 'normal_' | 'bernoulli_' | 'randint' | 'randperm';
  seed?: number;
  value?: number;
  shape?: number[];
  dtype?: 'float32' | 'float64';
  layout?: 'contiguous' | 'transposed' | 'narrowed' | 'permuted';
  from?: number;
  to?: number;
  mean?: number;
  std?: number;
  p?: number;
  low?: number;
  high?: number;
  n?: number;
  values?: number[];
  approx?: false | 'simd' | 'libm';
}

interface Scenario {
  name: string;
  seed: number;
  steps: Step[];
}

const scenarios = fixture.scenarios as Scenario[];

/** An empty tensor with the step's memory layout, as `target` in core_random.py. */
function target(step: Step): Tensor {
  const [a, b, c] = step.shape!;
  const opts = { dtype: step.dtype ?? 'float32' } as const;
  switch (step.layout ?? 'contiguous') {
    case 'contiguous':
      return zeros(step.shape!, opts);
    case 'transposed':
      return zeros([b, a], opts).t();
    case 'narrowed':
      return zeros([a, b + 2], opts).narrow(1, 1, b);
    case 'permuted':
      return zeros([c, a, b], opts).permute(1, 2, 0);
  }
}

/** Runs one step in torchlet; returns the values in row-major order (null for steps without values). */
function run(step: Step): number[] | null {
  const opts = { dtype: step.dtype ?? 'float32' } as const;
  let t: Tensor;
  switch (step.op) {
    case 'manual_seed':
      manualSeed(step.seed!);
      return null;
    case 'initial_seed':
      expect(initialSeed()).toBe(step.value);
      return null;
    case 'rand':
      t = rand(step.shape!, opts);
      break;
    case 'randn':
      t = randn(step.shape!, opts);
      break;
    case 'uniform_':
      t = target(step).uniform_(step.from, step.to);
      break;
    case 'normal_':
      t = target(step).normal_(step.mean, step.std);
      break;
    case 'bernoulli_':
      t = target(step).bernoulli_(step.p);
      break;
    case 'randint':
      t = step.dtype === undefined ? randint(step.low!, step.high!, step.shape!) : randint(step.low!, step.high!, step.shape!, opts);
      break;
    case 'randperm':
      t = randperm(step.n!);
      break;
  }
  expect(t.shape).toEqual(step.op === 'randperm' ? [step.n] : step.shape);
  return t.reshape(-1).tolist() as number[];
}

/** Units in the last place of float32 between a and b (a and b float32 values). */
function ulps32(a: number, b: number): number {
  const buf = new DataView(new ArrayBuffer(8));
  const ordered = (x: number) => {
    buf.setFloat32(0, x);
    const i = buf.getInt32(0);
    return i < 0 ? -2147483648 - i : i;
  };
  return Math.abs(ordered(a) - ordered(b));
}

function describeStep(step: Step, i: number): string {
  const { values: _v, approx: _a, ...args } = step;
  return `step ${i} ${JSON.stringify(args)}`;
}

describe('random streams match PyTorch', () => {
  it('has the fixture scenarios', () => {
    expect(scenarios.length).toBeGreaterThan(10);
    expect(fixture.torch).toMatch(/^1\.13/);
  });

  for (const s of scenarios) {
    it(s.name, () => {
      manualSeed(s.seed);
      s.steps.forEach((step, i) => {
        const got = run(step);
        if (got === null) return;
        const want = step.values!;
        const where = describeStep(step, i);
        expect(got.length, where).toBe(want.length);
        let close: (v: number, w: number) => boolean;
        if (step.approx === 'simd') {
          // PyTorch's Sleef logf/sincosf (≤ 1 ulp each) and FMA: a few float32 ulps, or a tiny
          // absolute error where cos/sin pass through zero
          close = (v, w) => ulps32(v, w) <= 8 || Math.abs(v - w) <= 1e-6;
        } else if (step.approx === 'libm') {
          // a standard normal z off by an ulp or two, then scaled: a few ulps of |mean| + std·|z|
          const mean = step.mean ?? 0, std = step.std ?? 1;
          close = (v, w) => Math.abs(v - w) <= 2 ** -49 * (Math.abs(mean) + std * Math.max(1, Math.abs(w - mean) / (std || 1)));
        } else {
          // bit-exact (Object.is, so -0 and 0 differ too)
          close = (v, w) => Object.is(v, w);
        }
        const bad = got.findIndex((v, k) => !close(v, want[k]));
        expect(bad === -1 ? null : `element ${bad}: got ${got[bad]}, PyTorch ${want[bad]}`, where).toBeNull();
        if (step.approx === 'libm' && want.length >= 10) {
          // the same algorithm: only the libm roundings differ, so most samples are still bit-exact
          const exact = got.filter((v, k) => Object.is(v, want[k])).length;
          expect(exact / want.length, `${where}: share of bit-exact values`).toBeGreaterThanOrEqual(0.75);
        }
      });
    });
  }
});

describe('fma emulation (PyTorch kernels round a·b + c once)', () => {
  it('fma matches the exact result rounded to a double', () => {
    const refs = fixture.fma as { a: number; b: number; c: number; fma: number }[];
    expect(refs.length).toBeGreaterThan(100);
    const wrong = refs.filter((r) => !Object.is(fma(r.a, r.b, r.c), r.fma)).map((r) => `fma(${r.a}, ${r.b}, ${r.c}) = ${fma(r.a, r.b, r.c)}, exact ${r.fma}`);
    expect(wrong).toEqual([]);
  });

  it('fmaf matches the exact result rounded to a float32', () => {
    const refs = fixture.fmaf as { a: number; b: number; c: number; fmaf: number }[];
    expect(refs.length).toBeGreaterThan(100);
    const wrong = refs.filter((r) => !Object.is(fmaf(r.a, r.b, r.c), r.fmaf)).map((r) => `fmaf(${r.a}, ${r.b}, ${r.c}) = ${fmaf(r.a, r.b, r.c)}, exact ${r.fmaf}`);
    expect(wrong).toEqual([]);
  });

  it('differs from two roundings where it should', () => {
    // (1 + 2⁻⁵²)² - 1 = 2⁻⁵¹ + 2⁻¹⁰⁴: the separate product rounds the 2⁻¹⁰⁴ away
    const a = 1 + 2 ** -52;
    expect(a * a - 1).toBe(2 ** -51);
    expect(fma(a, a, -1)).toBe(2 ** -51 + 2 ** -104);
  });
});

describe('the generator', () => {
  it('initialSeed returns the seed given to manualSeed', () => {
    manualSeed(2 ** 40 + 12345);
    expect(initialSeed()).toBe(2 ** 40 + 12345);
    manualSeed(0);
    expect(initialSeed()).toBe(0);
  });

  it('seeds that agree in their low 32 bits give the same stream, as in PyTorch', () => {
    manualSeed(2 ** 32 + 5);
    const a = rand([4]).tolist();
    manualSeed(5);
    expect(rand([4]).tolist()).toEqual(a);
  });

  it('rejects seeds that are not integers', () => {
    expect(() => manualSeed(1.5)).toThrow(/integer/);
    expect(() => manualSeed(NaN)).toThrow(/integer/);
  });

  it('randint and randperm give int32; rand and randn keep the requested dtype', () => {
    manualSeed(0);
    expect(randint(0, 5, [3]).dtype).toBe('int32');
    expect(randperm(4).dtype).toBe('int32');
    expect(rand([2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(randn([2]).dtype).toBe('float32');
  });
});
