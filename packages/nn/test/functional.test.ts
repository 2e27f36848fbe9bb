// The functional namespace and the remaining behaviours that fixtures do not show: in-place
// activations, implicit softmax dims, padding rows without gradient, grad_fn-free eval paths.
import { describe, expect, it } from 'vitest';
import { autograd, AutogradError, noGrad, ones, tensor } from '@torchlet/core';
import * as nn from '@torchlet/nn';
import { Embedding, functional as F, ReLU, LeakyReLU } from '@torchlet/nn';
import { flat } from './helpers.js';

describe('functional', () => {
  it('is a namespace object with every function', () => {
    for (const name of [
      'linear', 'relu', 'leakyRelu', 'gelu', 'sigmoid', 'tanh', 'softmax', 'logSoftmax', 'dropout', 'layerNorm', 'embedding', 'mseLoss',
      'l1Loss', 'smoothL1Loss', 'huberLoss', 'crossEntropy', 'nllLoss', 'binaryCrossEntropy', 'binaryCrossEntropyWithLogits',
    ]) {
      expect(typeof (nn.functional as any)[name], name).toBe('function');
    }
    expect(nn.functional).toBe(F);
    expect(typeof nn.init.kaimingUniform_).toBe('function');
    expect(typeof nn.utils.clipGradNorm_).toBe('function');
  });

  it('in-place activations write into a non-leaf input and keep gradients right', () => {
    const x = tensor([-1, 0.5, 2], { requiresGrad: true });
    const h = x.mul(1);
    const y = new ReLU({ inplace: true }).call(h);
    expect(y).toBe(h);
    expect(h.tolist()).toEqual([0, 0.5, 2]);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 1, 1]);
    const z = tensor([-2, 3], { requiresGrad: true });
    const w = z.mul(1);
    new LeakyReLU(0.5, { inplace: true }).call(w).sum().backward();
    expect(z.grad!.tolist()).toEqual([0.5, 1]);
    // like PyTorch, a leaf that requires grad cannot be modified in place
    expect(() => F.relu(tensor([1], { requiresGrad: true }), { inplace: true })).toThrow(AutogradError);
  });

  it('softmax without dim uses PyTorch\'s implicit choice', () => {
    const x = tensor([[1, 2], [3, 5]]);
    expect(flat(F.softmax(x))).toEqual(flat(x.softmax(1)));
    expect(flat(F.logSoftmax(tensor([1, 2, 3])))).toEqual(flat(tensor([1, 2, 3]).logSoftmax(0)));
    expect(flat(new nn.Softmax().call(ones([2, 3, 4])))).toEqual(flat(ones([2, 3, 4]).softmax(0)));
  });

  it('the padding row gets no gradient and keeps its values', () => {
    const e = new Embedding(4, 2, { paddingIdx: 1 });
    expect(flat(e.weight.select(0, 1))).toEqual([0, 0]);
    noGrad(() => e.weight.select(0, 1).fill_(5));
    const out = e.call(tensor([1, 2, 1], { dtype: 'int32' }));
    expect(out.select(0, 0).tolist()).toEqual([5, 5]);
    out.sum().backward();
    expect(e.weight.grad!.tolist()).toEqual([[0, 0], [0, 0], [1, 1], [0, 0]]);
  });

  it('fromPretrained shares the tensor and freezes it by default', () => {
    const w = tensor([[1, 2.3, 3], [4, 5.1, 6.3]]);
    const e = Embedding.fromPretrained(w);
    expect(e.weight.requiresGrad).toBe(false);
    expect(flat(e.call(tensor([1], { dtype: 'int32' })))).toEqual(flat(w.select(0, 1)));
    expect(Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad).toBe(true);
    expect(String(e)).toBe('Embedding(2, 3)');
  });

  it('GELU through erf agrees with PyTorch in float64, infinities included', () => {
    // PyTorch: gelu([-inf, -40, 0, 1, 40, inf]) and its gradient, in float64
    const x = tensor([-Infinity, -40, 0, 1, 40, Infinity], { dtype: 'float64', requiresGrad: true });
    const y = F.gelu(x);
    const want = [NaN, -0, 0, 0.841344746068543, 40, Infinity];
    flat(y).forEach((v, i) => (Number.isNaN(want[i]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(want[i], 15)));
    y.sum().backward();
    const wantGrad = [NaN, 0, 0.5, 1.0833154705876864, 1, NaN];
    flat(x.grad!).forEach((v, i) => (Number.isNaN(wantGrad[i]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(wantGrad[i], 15)));
  });

  it('BCE refuses to backward through an input modified in place after the forward, like a saved tensor', () => {
    const x = tensor([0.2, 0.7], { requiresGrad: true });
    const p = x.mul(1);
    const loss = F.binaryCrossEntropy(p, tensor([0, 1]));
    noGrad(() => p.mul_(0.5));
    expect(() => loss.backward()).toThrow(AutogradError);
    expect(() => loss.backward()).toThrow(/modified by an inplace operation/);
  });

  it('BCE gradients are differentiable again (createGraph)', () => {
    // d²/dx² of -log(x) at x = 0.5 is 1/x² = 4 (target 1)
    const x = tensor([0.5], { requiresGrad: true, dtype: 'float64' });
    const loss = F.binaryCrossEntropy(x, tensor([1], { dtype: 'float64' }), { reduction: 'sum' });
    const [g] = autograd.grad([loss], [x], { createGraph: true });
    expect(g!.item()).toBeCloseTo(-2, 12);
    g!.backward();
    expect(x.grad!.item()).toBeCloseTo(4, 12);
  });
});

