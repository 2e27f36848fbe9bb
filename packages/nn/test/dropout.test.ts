// Dropout against PyTorch 1.13 on CPU: under the same seed, the same elements are dropped, the
// kept ones are scaled by 1/(1-p), gradients flow through the same mask, and the generator
// ends where PyTorch's does (fixtures/dropout.json).
import { describe, expect, it } from 'vitest';
import { ArgumentError, manualSeed, rand, tensor } from '@torchlet/core';
import { Dropout, functional as F } from '@torchlet/nn';
import { expectClose, expectExact, fixture, flat, fromJSON, Net, type TensorJSON } from './helpers.js';

interface DropoutCase {
  name: string;
  seed: number;
  p: number;
  training: boolean;
  module?: boolean;
  input: TensorJSON;
  output: TensorJSON;
  gradOutput: TensorJSON | null;
  inputGrad: TensorJSON | null;
  after: TensorJSON;
}
const data = fixture<{ cases: DropoutCase[]; net: { seed: number; input: TensorJSON; output: TensorJSON; after: TensorJSON } }>('dropout.json');

describe('dropout matches PyTorch under a seed', () => {
  for (const c of data.cases) {
    it(c.name, () => {
      const x = fromJSON(c.input, { requiresGrad: true });
      manualSeed(c.seed);
      let y;
      if (c.module) {
        const m = new Dropout(c.p);
        if (!c.training) m.eval();
        y = m.call(x);
      } else {
        y = F.dropout(x, c.p, c.training);
      }
      // the mask must be identical, and kept values exactly x·(1/(1-p)) in float32
      expect(flat(y).map((v) => v === 0)).toEqual(flat(fromJSON(c.output)).map((v) => v === 0));
      expectExact(y, c.output, 'output');
      expectExact(rand([4]), c.after, 'next draws');
      if (c.gradOutput !== null && c.inputGrad !== null) {
        y.backward(fromJSON(c.gradOutput));
        expectClose(x.grad, c.inputGrad, 'input grad', { rtol: 0, atol: 0 });
      }
    });
  }

  it('a seeded model (init, then dropout in training mode) gives PyTorch\'s output', () => {
    manualSeed(data.net.seed);
    const net = new Net();
    const y = net.call(fromJSON(data.net.input));
    expectClose(y, data.net.output, 'output');
    expectExact(rand([4]), data.net.after, 'next draws');
  });

  it('is the identity in eval mode and for p = 0, and returns the input itself', () => {
    const x = tensor([1, 2, 3]);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
    const m = new Dropout(0.9).eval();
    expect(m.call(x)).toBe(x);
  });

  it('p = 1 zeroes everything without drawing', () => {
    manualSeed(5);
    const y = F.dropout(tensor([1, -2, 3]), 1);
    expect(y.tolist()).toEqual([0, -0, 0]);
    const next = rand([2]).tolist();
    manualSeed(5);
    expect(rand([2]).tolist()).toEqual(next);
  });

  it('inplace overwrites the input', () => {
    manualSeed(0);
    const x = tensor([1, 1, 1, 1, 1, 1, 1, 1]);
    const y = F.dropout(x, 0.5, true, { inplace: true });
    expect(y).toBe(x);
    expect(flat(x).every((v) => v === 0 || v === 2)).toBe(true);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => F.dropout(tensor([1]), 1.5)).toThrow(ArgumentError);
    expect(() => F.dropout(tensor([1]), -0.1)).toThrow(/dropout probability has to be between 0 and 1, but got -0.1/);
    expect(() => new Dropout(2)).toThrow(ArgumentError);
  });
});
