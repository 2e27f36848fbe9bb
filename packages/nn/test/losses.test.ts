// Every loss, reduction and option against PyTorch: values and gradients of the input and (where
// PyTorch has one) of the target, through the functional form and the module form
// (fixtures/losses.json).
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@torchlet/core';
import { build, expectClose, fixture, fromJSON, lossFunctions, type TensorJSON } from './helpers.js';

interface LossCase {
  name: string;
  fn: string;
  module: string | null;
  options: Record<string, any>;
  input: TensorJSON;
  target: TensorJSON;
  weight: TensorJSON | null;
  posWeight: TensorJSON | null;
  output: TensorJSON;
  gradOutput: TensorJSON;
  inputGrad: TensorJSON;
  targetGrad: TensorJSON | null;
}

const { cases } = fixture<{ cases: LossCase[] }>('losses.json');

function run(c: LossCase, call: (x: Tensor, t: Tensor, options: Record<string, any>) => Tensor): void {
  const x = fromJSON(c.input, { requiresGrad: true });
  const t = fromJSON(c.target, { requiresGrad: c.targetGrad !== null });
  const options: Record<string, any> = { ...c.options };
  if (c.weight) options.weight = fromJSON(c.weight);
  if (c.posWeight) options.posWeight = fromJSON(c.posWeight);
  const y = call(x, t, options);
  // sums of up to 60 float32 terms: allow a little more than one rounding
  const tol = c.input.dtype === 'float32' ? { rtol: 3e-5, atol: 3e-6 } : undefined;
  expectClose(y, c.output, 'loss', tol);
  y.backward(fromJSON(c.gradOutput));
  expectClose(x.grad, c.inputGrad, 'input grad', tol);
  if (c.targetGrad !== null) expectClose(t.grad, c.targetGrad, 'target grad', tol);
}

describe('losses match PyTorch', () => {
  it('covers every loss, reduction and option', () => {
    const fns = new Set(cases.map((c) => c.fn));
    expect([...fns].sort()).toEqual(Object.keys(lossFunctions).sort());
    expect(new Set(cases.map((c) => c.options.reduction ?? 'mean'))).toEqual(new Set(['mean', 'sum', 'none']));
    const ce = cases.filter((c) => c.fn === 'crossEntropy');
    expect(ce.some((c) => c.target.dtype === 'int32' && c.weight && c.options.ignoreIndex !== undefined && c.options.labelSmoothing)).toBe(true);
    expect(ce.some((c) => c.target.dtype === 'float32' && c.weight && c.options.labelSmoothing)).toBe(true);
  });

  for (const c of cases) {
    it(`F.${c.name}`, () => run(c, (x, t, o) => lossFunctions[c.fn](x, t, o)));
    if (c.module !== null) {
      it(`${c.module}: ${c.name}`, () =>
        run(c, (x, t, o) => build({ type: c.module!, args: [], options: o }).call(x, t)));
    }
  }
});
