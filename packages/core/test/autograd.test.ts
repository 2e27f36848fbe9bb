import { describe, expect, it } from 'vitest';
import {
  autograd, AutogradError, enableGrad, inferenceMode, noGrad, ones, tensor, type Tensor,
} from '@torchlet/core';

const values = (t: Tensor | null) => (t === null ? null : (t.tolist() as number[]));
const f64 = (data: number[], requiresGrad = true) => tensor(data, { dtype: 'float64', requiresGrad });

describe('backward accumulates and frees', () => {
  it('accumulates into leaf .grad across backward calls', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    expect(values(x.grad)).toEqual([4, 8]);
  });

  it('leaves non-leaf .grad null unless retainGrad() was called', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    const k = x.mul(2);
    k.retainGrad();
    h.add(k).mul(h).sum().backward();
    expect(h.grad).toBeNull();
    expect(h.isLeaf).toBe(false);
    expect(k.retainsGrad).toBe(true);
    expect(values(k.grad)).toEqual([3, 6]); // d(h·(h+k))/dk = h
  });

  it('requires a gradient for non-scalar outputs', () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/grad can be implicitly created only for scalar outputs/);
    y.backward(tensor([1, 10]));
    expect(() => y.backward(tensor([1, 2, 3]))).toThrow(/Mismatch in shape: grad_output\[0\] has a shape of \[3\] and output\[0\] has a shape of \[2\]/);
  });

  it('fails a second backward through freed saved tensors with PyTorch\'s explanation', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/Trying to backward through the graph a second time .* Specify retainGraph: true/);
  });

  it('lets a graph without saved tensors run backward twice, as PyTorch does', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const z = x.add(1).sum();
    z.backward();
    z.backward();
    expect(values(x.grad)).toEqual([2, 2]);
  });

  it('frees saved tensors after backward unless retainGraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x);
    const node = y.gradFn!;
    y.sum().backward(null, { retainGraph: true });
    expect(node._saved).not.toBeNull();
    y.sum().backward();
    expect(node._saved).toBeNull();
  });

  it('rejects backward on a tensor that does not require grad', () => {
    expect(() => tensor(1).backward()).toThrow(/element 0 of tensors does not require grad and does not have a grad_fn/);
  });
});

describe('.grad never aliases a tensor someone else holds', () => {
  it('copies a user-supplied gradient that reaches a leaf unchanged', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const g = tensor([10, 20]);
    x.add(0).backward(g);
    expect(x.grad).not.toBe(g);
    x.grad!.add_(1);
    expect(values(g)).toEqual([10, 20]);
  });

  it('gives two leaves fed by one pass-through gradient their own .grad', () => {
    const a = tensor([1, 2], { requiresGrad: true }), b = tensor([3, 4], { requiresGrad: true });
    a.mul(1).add(b).mul(tensor([2, 3])).backward(tensor([1, 1]));
    expect(a.grad).not.toBe(b.grad);
    a.grad!.add_(100);
    expect(values(b.grad)).toEqual([2, 3]);
  });

  it('does not hand a tensor a hook kept to .grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: Tensor[] = [];
    x.registerHook((g) => void seen.push(g));
    const run = () => x.mul(tensor([3, 4])).backward(tensor([1, 1]));
    run();
    run(); // accumulates in place into x.grad
    expect(values(x.grad)).toEqual([6, 8]);
    expect(values(seen[0])).toEqual([3, 4]);
  });

  it('takes a freshly computed gradient as .grad without copying it', () => {
    const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const x = tensor([[1, 1]]);
    x.matmul(w).sum().backward();
    expect(values(w.grad)).toEqual([[1, 1], [1, 1]]);
    expect(w.grad!.isContiguous()).toBe(true);
    expect(w.grad!.requiresGrad).toBe(false);
  });
});

describe('inputs, hooks, detach', () => {
  it('accumulates only into `inputs`, including a non-leaf', () => {
    const x = tensor(2, { requiresGrad: true }), w = tensor(3, { requiresGrad: true });
    const h = x.mul(w);
    const o = h.mul(h);
    o.backward(null, { inputs: [h] });
    expect(h.grad!.item()).toBe(12);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
    const p = x.mul(w).mul(x);
    p.backward(null, { inputs: w });
    expect(w.grad!.item()).toBe(4);
    expect(x.grad).toBeNull();
  });

  it('runs hooks that can replace the gradient, and remove() unregisters them', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const handle = x.registerHook((g) => g.mul(2));
    x.mul(3).sum().backward();
    expect(values(x.grad)).toEqual([6, 6]);
    handle.remove();
    x.grad = null;
    x.mul(3).sum().backward();
    expect(values(x.grad)).toEqual([3, 3]);
  });

  it('runs hooks on non-leaves before retainGrad stores the gradient (PyTorch values)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    const seen: number[][] = [];
    y.registerHook((g) => {
      seen.push(g.tolist() as number[]);
      return g.add(1);
    });
    y.retainGrad();
    y.mul(y).sum().backward();
    expect(seen).toEqual([[6, 12]]);
    expect(values(y.grad)).toEqual([7, 13]);
    expect(values(x.grad)).toEqual([21, 39]);
  });

  it('refuses hooks on tensors that do not require grad', () => {
    expect(() => tensor([1]).registerHook((g) => g)).toThrow(/cannot register a hook on a tensor that doesn't require gradient/);
  });

  it('detach() shares storage but leaves the graph; detach_() makes a leaf', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    d.add_(1);
    expect(values(y)).toEqual([3, 5]);
    expect(y.version).toBe(1); // the version counter is shared with the detached alias
    const z = x.mul(4);
    z.detach_();
    expect(z.isLeaf).toBe(true);
    expect(z.requiresGrad).toBe(false);
  });

  it('rejects setting requiresGrad on non-leaves and on integer tensors', () => {
    const y = tensor([1.0], { requiresGrad: true }).mul(2);
    expect(() => (y.requiresGrad = false)).toThrow(/you can only change requires_grad flags of leaf variables/);
    expect(() => tensor([1], { dtype: 'int32' }).requiresGrad_()).toThrow(/only Tensors of floating point dtype can require gradients/);
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(AutogradError);
  });
});

describe('higher order gradients (createGraph), PyTorch values', () => {
  it('d²(x³)/dx² at 2 is 12', () => {
    const x = tensor(2.0, { requiresGrad: true });
    const [g] = autograd.grad(x.pow(3), x, { createGraph: true });
    expect(g!.item()).toBe(12);
    expect(g!.requiresGrad).toBe(true);
    const [gg] = autograd.grad(g!, x);
    expect(gg!.item()).toBe(12);
  });

  const cases: [string, (t: Tensor) => Tensor, number[], number[]][] = [
    ['tanh', (t) => t.tanh(), [0.9151369618266292, 0.30501999620740905], [-0.5331818782014544, 0.5085626501382733]],
    ['sigmoid', (t) => t.sigmoid(), [0.24445831169074586, 0.1778944406468057], [-0.03639618395557626, 0.0955381323207247]],
    ['exp', (t) => t.exp(), [1.3498588075760032, 0.30119421191220214], [1.3498588075760032, 0.30119421191220214]],
  ];
  for (const [name, f, first, second] of cases) {
    it(`second derivative of ${name}`, () => {
      const x = f64([0.3, -1.2]);
      const [g] = autograd.grad(f(x).sum(), x, { createGraph: true });
      const [gg] = autograd.grad(g!.sum(), x);
      values(g)!.forEach((v, i) => expect(v).toBeCloseTo(first[i], 12));
      values(gg)!.forEach((v, i) => expect(v).toBeCloseTo(second[i], 12));
    });
  }

  it('second derivative through softmax', () => {
    const x = f64([0.3, -1.2, 2.0]);
    const w = f64([1, 2, 3], false);
    const [g] = autograd.grad(x.softmax(0).mul(w).sum(), x, { createGraph: true });
    const [gg] = autograd.grad(g!.mul(w).sum(), x);
    [-0.24907054175203522, -0.022257608237226383, 0.2713281499892613].forEach((v, i) => expect(values(g)![i]).toBeCloseTo(v, 12));
    [0.3377554650317367, -0.0024693271030753823, -0.33528613792866074].forEach((v, i) => expect(values(gg)![i]).toBeCloseTo(v, 12));
  });

  it('backward with createGraph keeps .grad differentiable', () => {
    const x = tensor(3.0, { requiresGrad: true });
    x.pow(2).backward(null, { createGraph: true });
    expect(x.grad!.item()).toBe(6);
    expect(x.grad!.requiresGrad).toBe(true);
    const [gg] = autograd.grad(x.grad!, x);
    expect(gg!.item()).toBe(2);
  });
});

describe('autograd.grad', () => {
  it('returns gradients without touching .grad', () => {
    const x = tensor([1, 2], { requiresGrad: true }), w = tensor([3, 4], { requiresGrad: true });
    const [gx, gw] = autograd.grad(x.mul(w).sum(), [x, w]);
    expect(values(gx)).toEqual([3, 4]);
    expect(values(gw)).toEqual([1, 2]);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
  });

  it('reports unused inputs unless allowUnused', () => {
    const x = tensor(1, { requiresGrad: true }), u = tensor(2, { requiresGrad: true });
    expect(() => autograd.grad(x.mul(2), [x, u])).toThrow(/appears to not have been used in the graph/);
    const [gx, gu] = autograd.grad(x.mul(2), [x, u], { allowUnused: true });
    expect(gx!.item()).toBe(2);
    expect(gu).toBeNull();
  });

  it('takes gradOutputs for non-scalar outputs and gradients w.r.t. non-leaves', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(x);
    const y = h.mul(3);
    const [gh, gx] = autograd.grad(y, [h, x], { gradOutputs: [tensor([1, 10])] });
    expect(values(gh)).toEqual([3, 30]);
    expect(values(gx)).toEqual([6, 120]);
  });

  it('rejects inputs that do not require grad', () => {
    const x = tensor(1, { requiresGrad: true });
    expect(() => autograd.grad(x.mul(2), tensor(1))).toThrow(/One of the differentiated Tensors does not require grad/);
  });
});

describe('in-place ops and version counters', () => {
  it('bumps the version counter shared by views', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const v = x.t();
    expect(x.version).toBe(0);
    v.add_(1);
    expect(x.version).toBe(1);
    expect(v.version).toBe(1);
    x.zero_();
    expect(v.version).toBe(2);
    expect(values(v.reshape(-1))).toEqual([0, 0, 0, 0]);
  });

  it('fails backward through a saved tensor that was modified, with PyTorch\'s message', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = a.mul(2);
    const c = b.mul(b);
    b.add_(1);
    expect(() => c.sum().backward()).toThrow(
      'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead.',
    );
    const l = tensor([1, 2], { requiresGrad: true });
    const m = l.mul(l);
    noGrad(() => l.add_(1));
    expect(() => m.sum().backward()).toThrow('[torch.FloatTensor [2]] is at version 1; expected version 0 instead.');
  });

  it('refuses in-place ops on leaves that require grad unless grad mode is off', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(/a leaf Variable that requires grad is being used in an in-place operation/);
    expect(values(w)).toEqual([1, 2]); // nothing changed
    expect(w.version).toBe(0);
    noGrad(() => w.sub_(tensor([0.5, 0.5])));
    expect(values(w)).toEqual([0.5, 1.5]);
    expect(w.requiresGrad).toBe(true);
    expect(w.isLeaf).toBe(true);
  });

  it('records in-place ops on non-leaves (PyTorch\'s rebase), with correct gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    y.add_(x);
    expect(y.gradFn!.name).toBe('AddBackward0');
    y.sum().backward();
    expect(values(x.grad)).toEqual([3, 3]);

    const p = tensor([1, 2], { requiresGrad: true });
    const q = p.mul(1);
    q.mul_(p);
    expect(q.gradFn!.name).toBe('MulBackward0');
    q.sum().backward();
    expect(values(p.grad)).toEqual([2, 4]); // PyTorch: tensor([2., 4.])
  });

  it('refuses writes to expanded tensors', () => {
    expect(() => ones([2]).expand(3, 2).add_(1)).toThrow(/more than one element of the written-to tensor refers to a single memory location/);
  });
});

describe('inference tensors', () => {
  it('cannot be saved for backward, and cannot be modified outside inference mode', () => {
    const t = inferenceMode(() => ones([2]));
    expect(t.isInference()).toBe(true);
    expect(t.requiresGrad).toBe(false);
    const w = ones([2], { requiresGrad: true });
    expect(() => w.mul(t)).toThrow(
      'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.',
    );
    const c = t.clone();
    expect(c.isInference()).toBe(false);
    w.mul(c).sum().backward();
    expect(values(w.grad)).toEqual([1, 1]);
    expect(() => t.add_(1)).toThrow(/Inplace update to inference tensor outside InferenceMode is not allowed/);
    inferenceMode(() => t.add_(1));
    expect(values(t)).toEqual([2, 2]);
  });

  it('marks op results inside inference mode, and views of inference tensors', () => {
    const x = ones([2, 2]);
    const y = inferenceMode(() => x.add(1));
    expect(y.isInference()).toBe(true);
    expect(y.t().isInference()).toBe(true);
    expect(x.add(1).isInference()).toBe(false);
    expect(enableGrad(() => inferenceMode(() => ones([1], { requiresGrad: true }).mul(2))).requiresGrad).toBe(false);
  });
});

describe('anomaly detection', () => {
  it('names the op whose backward produced NaN', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const run = () => x.sqrt().mul(0).sum().backward();
    expect(() => autograd.detectAnomaly(run)).toThrow("Function 'SqrtBackward0' returned nan values in its 0th output.");
    expect(autograd.isAnomalyEnabled()).toBe(false);
    x.grad = null;
    run(); // without anomaly mode NaN propagates silently, as in PyTorch
    expect(Number.isNaN((x.grad!.tolist() as number[])[0])).toBe(true);
  });
});
