// Module structure against PyTorch: printouts, state-dict keys and shapes, named parameters,
// buffers, modules and children, load_state_dict's error report (fixtures/modules.json).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ArgumentError, ones, tensor } from '@torchlet/core';
import { Linear, Parameter, ReLU, Sequential, StateDictError } from '@torchlet/nn';
import { build, fixture, flat, fromJSON, type ModuleSpec, type TensorJSON } from './helpers.js';

interface Structure {
  module: ModuleSpec;
  stateDict: [string, number[]][];
  namedParameters: [string, number[]][];
  namedBuffers: [string, number[]][];
  namedModules: [string, string][];
  namedChildren: [string, string][];
}
interface LoadError {
  name: string;
  keys: string[];
  shapes: number[][];
  strict: boolean;
  message: string | null;
}
const data = fixture<{
  printouts: { module: ModuleSpec; repr: string }[];
  structures: Structure[];
  loadErrors: LoadError[];
  nonStrict: { missingKeys: string[]; unexpectedKeys: string[] };
  parameterReprs: { data: TensorJSON; repr: string }[];
}>('modules.json');

const shapes = (entries: [string, { shape: readonly number[] }][]) => entries.map(([k, v]) => [k, v.shape.slice()]);

describe('printouts match PyTorch', () => {
  for (const p of data.printouts) {
    it(p.repr.split('\n')[0], () => {
      const m = build(p.module);
      expect(String(m)).toBe(p.repr);
      expect(inspect(m)).toBe(p.repr);
    });
  }

  for (const p of data.parameterReprs) {
    it(`Parameter ${JSON.stringify(p.data.data)}`, () => {
      const param = new Parameter(fromJSON(p.data));
      expect(String(param)).toBe(p.repr);
      expect(inspect(param)).toBe(p.repr);
    });
  }
});

describe('structure matches PyTorch', () => {
  for (const s of data.structures) {
    it(String(build(s.module)).split('\n')[0], () => {
      const m = build(s.module);
      expect(shapes(Object.entries(m.stateDict()))).toEqual(s.stateDict);
      expect(shapes(m.namedParameters())).toEqual(s.namedParameters);
      expect(shapes(m.namedBuffers())).toEqual(s.namedBuffers);
      expect(m.namedModules().map(([k, v]) => [k, v.constructor.name])).toEqual(s.namedModules);
      expect(m.namedChildren().map(([k, v]) => [k, v.constructor.name])).toEqual(s.namedChildren);
      expect(m.parameters().length).toBe(s.namedParameters.length);
      expect(m.modules().length).toBe(s.namedModules.length);
      expect(m.children().length).toBe(s.namedChildren.length);
    });
  }
});

describe('loadStateDict reports what PyTorch reports', () => {
  const model = () => new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
  // PyTorch prints shapes as torch.Size([3, 2]); torchlet as [3, 2]
  const normalise = (msg: string) => msg.replace(/torch\.Size\((\[[^\]]*\])\)/g, '$1');

  for (const e of data.loadErrors) {
    it(e.name, () => {
      const m = model();
      const before = m.parameters().map((p) => flat(p));
      const sd = Object.fromEntries(e.keys.map((k, i) => [k, ones(e.shapes[i])]));
      let caught: unknown = null;
      try {
        m.loadStateDict(sd, { strict: e.strict });
      } catch (err) {
        caught = err;
      }
      if (e.message === null) {
        expect(caught).toBeNull();
        return;
      }
      expect(caught).toBeInstanceOf(StateDictError);
      expect(caught).toBeInstanceOf(ArgumentError);
      expect((caught as Error).message).toBe(normalise(e.message));
      // nothing was copied, not even the good entries
      expect(m.parameters().map((p) => flat(p))).toEqual(before);
    });
  }

  it('returns missing and unexpected keys when not strict', () => {
    const m = model();
    const sd = m.stateDict();
    delete sd['0.bias'];
    sd['head.weight'] = ones([1]);
    sd['2.scale'] = ones([1]);
    expect(m.loadStateDict(sd, { strict: false })).toEqual(data.nonStrict);
  });

  it('names the problems in the error fields', () => {
    const m = model();
    const sd: Record<string, any> = { ...m.stateDict(), '0.weight': ones([3, 2]), extra: ones([1]) };
    delete sd['2.bias'];
    try {
      m.loadStateDict(sd);
      expect.unreachable();
    } catch (err) {
      const e = err as StateDictError;
      expect(e.missingKeys).toEqual(['2.bias']);
      expect(e.unexpectedKeys).toEqual(['extra']);
      expect(e.sizeMismatches).toEqual([{ key: '0.weight', expected: [2, 3], got: [3, 2] }]);
      expect(e.name).toBe('StateDictError');
    }
  });

  it('rejects values that are not tensors', () => {
    const m = new Linear(2, 2);
    expect(() => m.loadStateDict({ weight: [[1, 2], [3, 4]] as any, bias: tensor([0, 0]) })).toThrow(
      /While copying the parameter named "weight", expected torch.Tensor or Tensor-like object from checkpoint but received Array/,
    );
    expect(() => m.loadStateDict(null as any)).toThrow(ArgumentError);
  });
});
