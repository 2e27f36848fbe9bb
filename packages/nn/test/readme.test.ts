// The README's examples, run as written, with the values they print asserted.
import { describe, expect, it } from 'vitest';
import { manualSeed, noGrad, ones, type Tensor, tensor, zeros } from '@torchlet/core';
import { GELU, Linear, loadSafetensors, Module, MSELoss, Parameter, ReLU, saveSafetensors, Sequential, functional as F } from '@torchlet/nn';

describe('README', () => {
  it('the example trains one step and round-trips its weights', () => {
    manualSeed(0);
    const model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect(String(model)).toBe(
      'Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=3, out_features=1, bias=True)\n)',
    );
    const x = tensor([[1, 2]]);
    const loss = new MSELoss().call(model.call(x), tensor([[0.5]]));
    loss.backward();
    expect(loss.toString()).toBe('tensor(0.8904, grad_fn=<MeanBackward0>)');
    // PyTorch: model[0].weight.grad
    expect(String(model.parameters()[0].grad)).toBe('tensor([[-0.2883, -0.5766],\n        [ 0.0000,  0.0000],\n        [ 0.2142,  0.4284]])');
    noGrad(() => {
      for (const p of model.parameters()) p.sub_(p.grad!.mul(0.1));
    });
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    const before = model.stateDict();
    const bytes = saveSafetensors(before);
    model.loadStateDict(loadSafetensors(bytes));
    expect(F.relu(tensor([-1, 2])).toString()).toBe('tensor([0., 2.])');
  });

  it('the Net example registers in PyTorch\'s order', () => {
    class Net extends Module {
      fc1 = new Linear(4, 8);
      act = new GELU();
      scale = new Parameter(ones([8]));
      constructor() {
        super();
        this.registerBuffer('steps', zeros([1]));
      }
      override forward(x: Tensor): Tensor {
        return this.act.call(this.fc1.call(x)).mul(this.scale);
      }
    }
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual(['scale', 'fc1.weight', 'fc1.bias']);
    expect(Object.keys(net.stateDict())).toEqual(['scale', 'steps', 'fc1.weight', 'fc1.bias']);
    expect(net.call(ones([2, 4])).shape).toEqual([2, 8]);
  });
});
