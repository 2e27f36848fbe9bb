// Seeded initialisation against PyTorch: after manualSeed(s), building a layer or calling an
// nn.init function gives PyTorch's values, and the generator is left where PyTorch leaves it
// (the next rand(4) agrees) (fixtures/init.json).
import { describe, expect, it } from 'vitest';
import { type DType, manualSeed, rand, ShapeError, ArgumentError, full, tensor } from '@torchlet/core';
import { init, Parameter } from '@torchlet/nn';
import { build, expectClose, expectExact, fixture, flat, type ModuleSpec, type TensorJSON } from './helpers.js';

interface ModuleCase {
  name: string;
  kind: 'module';
  seed: number;
  module: ModuleSpec;
  stateDict: Record<string, TensorJSON>;
  after: TensorJSON;
}
interface InitCase {
  name: string;
  kind: 'init';
  fn: keyof typeof init;
  seed: number;
  shape: number[];
  dtype: DType;
  options: Record<string, any>;
  expected: TensorJSON;
  after: TensorJSON;
}
const data = fixture<{
  cases: (ModuleCase | InitCase)[];
  gains: { nonlinearity: any; param: number | null; gain: number }[];
  fans: { shape: number[]; fans: [number, number] }[];
}>('init.json');

// Uniform draws are bit-exact. normal_ on 16+ float32 elements runs PyTorch's SIMD Box-Muller
// in float32 arithmetic (core computes it in float64), so those values agree to ~1e-6 absolute.
const EXACT = { rtol: 0, atol: 0 };
const NORMAL32 = { rtol: 1e-6, atol: 1.5e-6 };
// float64 normals differ from PyTorch's libm cos/log by at most an ulp or two
const NORMAL64 = { rtol: 1e-14, atol: 1e-16 };
const usesNormal = (name: string) => /normal|Normal|Embedding|Net/.test(name);
function tolFor(name: string, dtype: DType) {
  if (!usesNormal(name)) return EXACT;
  return dtype === 'float32' ? NORMAL32 : NORMAL64;
}

function callInit(c: InitCase, p: Parameter): void {
  const o = c.options;
  switch (c.fn) {
    case 'uniform_': init.uniform_(p, o.a, o.b); break;
    case 'normal_': init.normal_(p, o.mean, o.std); break;
    case 'constant_': init.constant_(p, o.val); break;
    case 'ones_': init.ones_(p); break;
    case 'zeros_': init.zeros_(p); break;
    case 'eye_': init.eye_(p); break;
    case 'xavierUniform_': init.xavierUniform_(p, o.gain); break;
    case 'xavierNormal_': init.xavierNormal_(p, o.gain); break;
    case 'kaimingUniform_': init.kaimingUniform_(p, o); break;
    case 'kaimingNormal_': init.kaimingNormal_(p, o); break;
    default: throw new Error(`no init ${String(c.fn)}`);
  }
}

describe('seeded initialisation matches PyTorch', () => {
  for (const c of data.cases) {
    it(c.name, () => {
      manualSeed(c.seed);
      if (c.kind === 'module') {
        const sd = build(c.module).stateDict();
        expect(Object.keys(sd)).toEqual(Object.keys(c.stateDict));
        for (const [k, v] of Object.entries(c.stateDict)) expectClose(sd[k], v, k, tolFor(c.name, v.dtype));
      } else {
        const p = new Parameter(full(c.shape, 7, { dtype: c.dtype }));
        const out = noRecord(() => callInit(c, p), p);
        expect(out.requiresGrad).toBe(true);
        expect(out.isLeaf).toBe(true);
        expectClose(out, c.expected, c.fn, tolFor(c.name, c.dtype));
      }
      expectExact(rand([4]), c.after, 'next draws');
    });
  }

  it('uniform draws are bit-exact (Linear weights)', () => {
    const c = data.cases.find((x) => x.name.startsWith('Linear [3, 2]')) as ModuleCase;
    manualSeed(c.seed);
    const sd = build(c.module).stateDict();
    expect(flat(sd.weight)).toEqual(c.stateDict.weight.data);
    expect(flat(sd.bias)).toEqual(c.stateDict.bias.data);
  });

  it('calculateGain and fans are PyTorch\'s numbers', () => {
    for (const g of data.gains) expect(init.calculateGain(g.nonlinearity, g.param)).toBe(g.gain);
    for (const f of data.fans) expect(init.calculateFanInAndFanOut(full(f.shape, 0))).toEqual(f.fans);
  });

  it('rejects what PyTorch rejects', () => {
    expect(() => init.xavierUniform_(tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => init.kaimingUniform_(full([2, 2], 0), { mode: 'fan_avg' as any })).toThrow(/Mode fan_avg not supported/);
    expect(() => init.calculateGain('softsign' as any)).toThrow(ArgumentError);
    expect(() => init.eye_(full([2, 2, 2], 0))).toThrow(ShapeError);
  });
});

function noRecord<T>(fn: () => void, out: T): T {
  fn();
  return out;
}
