// Every layer against PyTorch: forward values, the gradient of the input and of every
// parameter for a random grad_output, and GELU's second derivative (fixtures/layers.json).
import { describe, expect, it } from 'vitest';
import { autograd } from '@torchlet/core';
import { build, expectClose, fixture, fromJSON, type ModuleSpec, type TensorJSON } from './helpers.js';

interface LayerCase {
  name: string;
  module: ModuleSpec;
  params: Record<string, TensorJSON>;
  input: TensorJSON;
  output: TensorJSON;
  gradOutput: TensorJSON;
  inputGrad: TensorJSON | null;
  paramGrads?: Record<string, TensorJSON>;
  doubleBackward?: { v: TensorJSON; inputGrad2: TensorJSON };
}

const { cases } = fixture<{ cases: LayerCase[] }>('layers.json');

describe('layers match PyTorch (forward and backward)', () => {
  it('has the fixture cases', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  for (const c of cases) {
    it(c.name, () => {
      const m = build(c.module);
      // parameters come from PyTorch through loadStateDict (initialisation is tested in init.test.ts)
      const sd = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fromJSON(v)]));
      expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      const floating = c.input.dtype !== 'int32';
      const x = fromJSON(c.input, { requiresGrad: floating });
      const y = m.call(x);
      expectClose(y, c.output, 'output');
      if (c.doubleBackward) {
        const [g] = autograd.grad([y], [x], { gradOutputs: [fromJSON(c.gradOutput)], createGraph: true });
        expectClose(g, c.inputGrad!, 'input grad');
        g!.mul(fromJSON(c.doubleBackward.v)).sum().backward();
        expectClose(x.grad, c.doubleBackward.inputGrad2, 'second derivative');
        return;
      }
      y.backward(fromJSON(c.gradOutput));
      if (c.inputGrad !== null) expectClose(x.grad, c.inputGrad, 'input grad');
      const params = new Map(m.namedParameters());
      expect([...params.keys()].sort()).toEqual(Object.keys(c.paramGrads ?? {}).sort());
      for (const [name, g] of Object.entries(c.paramGrads ?? {})) expectClose(params.get(name)!.grad, g, `grad of ${name}`);
    });
  }
});
