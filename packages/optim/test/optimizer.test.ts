// The Optimizer contract: parameter groups, defaults, zeroGrad, step with and without a closure,
// hyper-parameter validation with PyTorch's messages, bad parameters, and a failed step that
// leaves parameters and state untouched.
import { describe, expect, it } from 'vitest';
import { ArgumentError, AutogradError, DTypeError, type Tensor, inferenceMode, isGradEnabled, tensor, zeros } from '@torchlet/core';
import { Adam, AdamW, Optimizer, RMSprop, SGD } from '@torchlet/optim';

const leaf = (values: number[]) => tensor(values, { requiresGrad: true });

describe('parameter groups', () => {
  it('takes a list of tensors as one group with the defaults', () => {
    const a = leaf([1, 2]), b = leaf([3]);
    const opt = new SGD([a, b], { lr: 0.1 });
    expect(opt).toBeInstanceOf(Optimizer);
    expect(opt.paramGroups).toHaveLength(1);
    expect(opt.paramGroups[0]).toEqual({ params: [a, b], lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    expect(opt.defaults).toEqual({ lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
  });

  it('takes groups with their own options, and any iterable of tensors', () => {
    const a = leaf([1]), b = leaf([2]), c = leaf([3]);
    const opt = new Adam([{ params: [a] }, { params: new Set([b, c]), lr: 0.1, betas: [0.5, 0.6] }], { lr: 0.01 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.1]);
    expect(opt.paramGroups[1].params).toEqual([b, c]);
    expect(opt.paramGroups[1].betas).toEqual([0.5, 0.6]);
    expect(opt.paramGroups[0].betas).toEqual([0.9, 0.999]);
    expect(opt.paramGroups[0].betas).not.toBe(opt.defaults.betas); // defaults are copied into groups
  });

  it('addParamGroup adds a group (a single tensor is fine) with the defaults', () => {
    const a = leaf([1]), b = leaf([2]);
    const opt = new RMSprop([a]);
    opt.addParamGroup({ params: b, momentum: 0.5 });
    expect(opt.paramGroups[1]).toMatchObject({ params: [b], lr: 0.01, momentum: 0.5, alpha: 0.99 });
  });

  it('SGD without a default lr needs every group to set one', () => {
    const a = leaf([1]), b = leaf([2]);
    const opt = new SGD([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.2 }]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.2]);
    expect(() => new SGD([{ params: [a], lr: 0.1 }, { params: [b] }])).toThrow("parameter group didn't specify a value of required optimization parameter lr");
    expect(() => new SGD([a])).toThrow(ArgumentError);
  });

  it('rejects a tensor, an empty list, non-tensors and non-leaves', () => {
    const a = leaf([1, 2]);
    expect(() => new SGD(a as never, { lr: 0.1 })).toThrow('params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor');
    expect(() => new SGD([], { lr: 0.1 })).toThrow('optimizer got an empty parameter list');
    expect(() => new SGD([a, 3 as never], { lr: 0.1 })).toThrow('optimizer can only optimize Tensors, but one of the params is number 3');
    expect(() => new SGD([a.mul(2)], { lr: 0.1 })).toThrow("can't optimize a non-leaf Tensor");
    expect(() => new SGD([a.mul(2)], { lr: 0.1 })).toThrow(ArgumentError);
    const retained = a.mul(2);
    retained.retainGrad();
    expect(() => new SGD([retained], { lr: 0.1 })).not.toThrow(); // as PyTorch: a non-leaf that retains its grad is allowed
  });

  it('rejects a parameter in two groups, or twice in one, adding nothing', () => {
    const a = leaf([1]), b = leaf([2]);
    expect(() => new SGD([{ params: [a] }, { params: [b, a] }], { lr: 0.1 })).toThrow('some parameters appear in more than one parameter group');
    const opt = new SGD([a], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('some parameters appear in more than one parameter group');
    expect(() => opt.addParamGroup({ params: [b, b] })).toThrow(/duplicate parameters/);
    expect(() => opt.addParamGroup({ params: [b], lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(opt.paramGroups).toHaveLength(1);
  });
});

describe("hyper-parameters are checked with PyTorch's messages", () => {
  const p = () => [leaf([1])];
  it.each([
    ['SGD lr', () => new SGD(p(), { lr: -0.1 }), 'Invalid learning rate: -0.1'],
    ['SGD momentum', () => new SGD(p(), { lr: 0.1, momentum: -0.5 }), 'Invalid momentum value: -0.5'],
    ['SGD weight decay', () => new SGD(p(), { lr: 0.1, weightDecay: -1 }), 'Invalid weight_decay value: -1'],
    ['SGD nesterov without momentum', () => new SGD(p(), { lr: 0.1, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening'],
    ['SGD nesterov with dampening', () => new SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), 'Nesterov momentum requires a momentum and zero dampening'],
    ['SGD NaN lr', () => new SGD(p(), { lr: NaN }), 'Invalid learning rate: nan'],
    ['Adam lr', () => new Adam(p(), { lr: -1e-3 }), 'Invalid learning rate: -0.001'],
    ['Adam eps', () => new Adam(p(), { eps: -1 }), 'Invalid epsilon value: -1'],
    ['Adam beta1', () => new Adam(p(), { betas: [1, 0.999] }), 'Invalid beta parameter at index 0: 1'],
    ['Adam beta2', () => new Adam(p(), { betas: [0.9, -0.1] }), 'Invalid beta parameter at index 1: -0.1'],
    ['Adam weight decay', () => new Adam(p(), { weightDecay: -0.1 }), 'Invalid weight_decay value: -0.1'],
    ['AdamW beta2', () => new AdamW(p(), { betas: [0.9, 1.5] }), 'Invalid beta parameter at index 1: 1.5'],
    ['AdamW weight decay', () => new AdamW(p(), { weightDecay: -1 }), 'Invalid weight_decay value: -1'],
    ['RMSprop lr', () => new RMSprop(p(), { lr: -0.01 }), 'Invalid learning rate: -0.01'],
    ['RMSprop eps', () => new RMSprop(p(), { eps: -1e-8 }), 'Invalid epsilon value: -1e-8'],
    ['RMSprop momentum', () => new RMSprop(p(), { momentum: -0.9 }), 'Invalid momentum value: -0.9'],
    ['RMSprop weight decay', () => new RMSprop(p(), { weightDecay: -2 }), 'Invalid weight_decay value: -2'],
    ['RMSprop alpha', () => new RMSprop(p(), { alpha: -0.1 }), 'Invalid alpha value: -0.1'],
    ['a group option', () => new Adam([{ params: p(), eps: -2 }]), 'Invalid epsilon value: -2'],
    ['a wrong type', () => new SGD(p(), { lr: '0.1' as never }), "optimizer option 'lr' must be a number, got \"0.1\""],
    ['betas not a pair', () => new Adam(p(), { betas: [0.9] as never }), "optimizer option 'betas' must be a pair [beta1, beta2], got an array"],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(ArgumentError);
    expect(make).toThrow(message);
  });

  it('accepts the edges PyTorch accepts', () => {
    expect(() => new SGD(p(), { lr: 0 })).not.toThrow();
    expect(() => new Adam(p(), { betas: [0, 0], eps: 0, lr: 0 })).not.toThrow();
    expect(() => new RMSprop(p(), { alpha: 0 })).not.toThrow();
  });
});

describe('zeroGrad', () => {
  it('sets grads to null by default (PyTorch 2 default) and zeroes in place with setToNone: false', () => {
    const a = leaf([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.mul(a).sum().backward();
    const g = a.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).toBe(g);
    expect(g.tolist()).toEqual([0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    opt.zeroGrad(); // nothing to clear: no error
  });

  it('detaches a grad that has history (create_graph) before zeroing it', () => {
    const a = leaf([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.mul(a).sum().backward(undefined, { createGraph: true });
    expect(a.grad!.gradFn).not.toBeNull();
    opt.zeroGrad({ setToNone: false });
    expect(a.grad!.gradFn).toBeNull();
    expect(a.grad!.requiresGrad).toBe(false);
    expect(a.grad!.tolist()).toEqual([0, 0]);
  });
});

describe('step', () => {
  it('updates in place under noGrad, keeps the parameters leaves, and skips parameters without grad', () => {
    const a = leaf([1, 2]), b = leaf([3]);
    const opt = new SGD([a, b], { lr: 0.5 });
    a.grad = tensor([1, -1]);
    const data = a.detach();
    expect(opt.step()).toBeUndefined();
    expect(a.tolist()).toEqual([0.5, 2.5]);
    expect(data.tolist()).toEqual([0.5, 2.5]); // the same storage, updated in place
    expect(a.isLeaf).toBe(true);
    expect(a.requiresGrad).toBe(true);
    expect(a.gradFn).toBeNull();
    expect(b.tolist()).toEqual([3]);
    expect(opt.state.has(b)).toBe(false);
  });

  it('runs the closure with grad mode on, even inside noGrad, and returns its loss', () => {
    const a = leaf([2]);
    const opt = new SGD([a], { lr: 0.25 });
    let modeInClosure: boolean | undefined;
    const loss = opt.step(() => {
      modeInClosure = isGradEnabled();
      opt.zeroGrad();
      const l = a.mul(a).sum();
      l.backward();
      return l;
    });
    expect(modeInClosure).toBe(true);
    expect(loss.item()).toBe(4);
    expect(a.item()).toBe(1); // 2 - 0.25·4
  });

  it('refuses an async closure, whose gradients would arrive after the update', () => {
    const a = leaf([2]);
    const opt = new SGD([a], { lr: 0.25 });
    expect(() => opt.step(async () => a.sum())).toThrow(/returned a Promise/);
    expect(a.item()).toBe(2);
  });

  it('uses options changed on the group between steps', () => {
    const a = leaf([1]);
    const opt = new SGD([a], { lr: 0.1 });
    opt.paramGroups[0].lr = 1;
    a.grad = tensor([0.5]);
    opt.step();
    expect(a.item()).toBe(0.5);
  });

  it('updates parameters made in inference mode only inside inference mode', () => {
    const a = inferenceMode(() => zeros([2]));
    a.grad = tensor([1, 1]);
    const opt = new SGD([a], { lr: 1 });
    expect(() => opt.step()).toThrow(AutogradError);
    inferenceMode(() => opt.step());
    expect(a.tolist()).toEqual([-1, -1]);
  });

  it('rejects integer parameters that carry a gradient', () => {
    const a = tensor([1, 2], { dtype: 'int32' });
    a.grad = tensor([1, 1], { dtype: 'int32' });
    expect(() => new SGD([a], { lr: 1 }).step()).toThrow(DTypeError);
  });
});

describe('a failed step leaves parameters and state untouched', () => {
  function trained(): { params: Tensor[]; opt: Adam; snapshot: () => unknown } {
    const params = [leaf([1, 2]), leaf([3]), leaf([4, 5, 6])];
    const opt = new Adam([{ params: [params[0], params[1]] }, { params: [params[2]], lr: 0.1 }], { lr: 0.01 });
    for (let i = 0; i < 3; i++) {
      params.forEach((p) => (p.grad = p.detach().mul(2)));
      opt.step();
    }
    const snapshot = () => ({
      params: params.map((p) => p.tolist()),
      state: params.map((p) => {
        const s = opt.state.get(p)!;
        return [s.step.item(), s.expAvg.tolist(), s.expAvgSq.tolist()];
      }),
    });
    return { params, opt, snapshot };
  }

  it('an invalid option on a later group', () => {
    const { opt, snapshot } = trained();
    const before = snapshot();
    opt.paramGroups[1].lr = -1;
    expect(() => opt.step()).toThrow('Invalid learning rate: -1');
    expect(snapshot()).toEqual(before);
    opt.paramGroups[1].lr = 0.1;
    opt.paramGroups[1].betas = [0.9, 1] as [number, number];
    expect(() => opt.step()).toThrow('Invalid beta parameter at index 1: 1');
    expect(snapshot()).toEqual(before);
  });

  it('amsgrad switched on after state was created without it (PyTorch: KeyError mid-step)', () => {
    const { opt, snapshot } = trained();
    const before = snapshot();
    opt.paramGroups[1].amsgrad = true;
    expect(() => opt.step()).toThrow(/maxExpAvgSq/);
    expect(snapshot()).toEqual(before);
  });

  it('a parameter added to a second group by hand', () => {
    const { params, opt, snapshot } = trained();
    const before = snapshot();
    opt.paramGroups[1].params.push(params[0]);
    expect(() => opt.step()).toThrow('some parameters appear in more than one parameter group');
    expect(snapshot()).toEqual(before);
  });

  it('corrupted state on the last parameter', () => {
    const { params, opt, snapshot } = trained();
    const good = opt.state.get(params[2])!.expAvgSq;
    const before = snapshot();
    opt.state.get(params[2])!.expAvgSq = zeros([2]);
    expect(() => opt.step()).toThrow(/shape \[2\] but its parameter has shape \[3\]/);
    opt.state.get(params[2])!.expAvgSq = good;
    expect(snapshot()).toEqual(before);
  });

  it('the closure throwing', () => {
    const { opt, snapshot } = trained();
    const before = snapshot();
    expect(() =>
      opt.step(() => {
        throw new Error('loss failed');
      }),
    ).toThrow('loss failed');
    expect(snapshot()).toEqual(before);
  });
});

describe('toString', () => {
  it("prints like PyTorch's repr", () => {
    const opt = new SGD([leaf([1])], { lr: 0.1, momentum: 0.9 });
    expect(String(opt)).toBe(
      'SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: False\n    momentum: 0.9\n    nesterov: False\n    weightDecay: 0\n)',
    );
    expect(String(new Adam([leaf([1])]))).toContain('    betas: (0.9, 0.999)\n');
  });
});
