// Module semantics that mirror PyTorch's own tests of torch.nn.Module: registration by
// assignment, traversal order, modes, zero_grad, apply, hooks, state dicts and Parameter.
import { describe, expect, it } from 'vitest';
import { ArgumentError, AutogradError, noGrad, ones, Tensor, tensor, TorchletError, zeros } from '@torchlet/core';
import { BCEWithLogitsLoss, CrossEntropyLoss, Dropout, Identity, Linear, Module, Parameter, ReLU, Sequential, Tanh } from '@torchlet/nn';
import { flat } from './helpers.js';

class Block extends Module {
  b = new Parameter(zeros([2]));
  inner = new Linear(2, 2);
  a = new Parameter(ones([3]));
  label = 'not registered';
  plain = tensor([1]); // a plain tensor field is not a parameter or buffer
  override forward(x: Tensor): Tensor {
    return this.inner.call(x).add(this.b);
  }
}

describe('registration by assignment', () => {
  it('registers parameters and submodules in assignment order', () => {
    const m = new Block();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['b', 'a', 'inner.weight', 'inner.bias']);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['inner']);
    expect(m.namedBuffers()).toEqual([]);
    expect(Object.keys(m.stateDict())).toEqual(['b', 'a', 'inner.weight', 'inner.bias']);
    expect(m.parameters(false)).toEqual([m.b, m.a]);
  });

  it('re-assignment keeps the position; null keeps the name registered as absent', () => {
    const m = new Block();
    const p = new Parameter(ones([2]));
    m.b = p;
    expect(m.namedParameters()[0]).toEqual(['b', p]);
    (m as any).b = null;
    expect(m.namedParameters().map(([n]) => n)).toEqual(['a', 'inner.weight', 'inner.bias']);
    expect(m._parameters.has('b')).toBe(true);
    (m as any).inner = null;
    expect(m.children()).toEqual([]);
    expect(String(m)).toBe('Block(\n  (inner): None\n)');
  });

  it('refuses a plain tensor where a parameter is registered, and a non-module where a module is', () => {
    const m = new Block();
    expect(() => {
      (m as any).a = tensor([1, 2, 3]);
    }).toThrow(/cannot assign 'Tensor' as parameter 'a' \(Parameter or null expected\)/);
    expect(() => {
      (m as any).inner = 5;
    }).toThrow(ArgumentError);
  });

  it('a value of another kind moves the name to that registry; delete unregisters', () => {
    const m = new Block();
    (m as any).label = new Linear(1, 1);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['inner', 'label']);
    delete (m as any).label;
    expect(m.namedChildren().map(([n]) => n)).toEqual(['inner']);
    delete (m as any).a;
    expect(m.namedParameters().map(([n]) => n)).toEqual(['b', 'inner.weight', 'inner.bias']);
  });

  it('registerParameter / registerBuffer / registerModule check names like PyTorch', () => {
    const m = new Module();
    expect(() => m.registerParameter('a.b', null)).toThrow(`parameter name can't contain "."`);
    expect(() => m.registerBuffer('', null)).toThrow(`buffer name can't be empty string ""`);
    expect(() => m.registerModule('forward', new ReLU())).toThrow("attribute 'forward' already exists");
    expect(() => m.registerParameter('w', tensor([1]) as any)).toThrow(/Parameter or null required/);
    m.registerBuffer('running', zeros([2]));
    m.registerBuffer('scratch', zeros([3]), false);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['running', 'scratch']);
    expect(Object.keys(m.stateDict())).toEqual(['running']);
    (m as any).running = ones([2]);
    expect(flat(m.buffers()[0])).toEqual([1, 1]);
    expect(() => {
      (m as any).running = 3;
    }).toThrow(/as buffer 'running'/);
  });

  it('shared parameters and modules are listed once; the state dict keeps every key', () => {
    const shared = new Linear(2, 2);
    const m = new Sequential(shared, new ReLU(), shared);
    expect(m.parameters().length).toBe(2);
    expect(m.modules().length).toBe(3);
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(m.namedModules(null, '', false).map(([n]) => n)).toEqual(['', '0', '1', '2']);
    expect(m.namedModules(null, 'model').map(([n]) => n)).toEqual(['model', 'model.0', 'model.1']);
  });

  it('subclasses may use #private fields and accessors', () => {
    class Scaled extends Module {
      #factor = 3;
      fc = new Linear(1, 1);
      get factor(): number {
        return this.#factor;
      }
      set factor(v: number) {
        this.#factor = v;
      }
      override forward(x: Tensor): Tensor {
        return this.fc.call(x).mul(this.#factor);
      }
    }
    const m = new Scaled();
    m.factor = 2;
    expect(m.factor).toBe(2);
    expect(m.call(tensor([[1]])).shape).toEqual([1, 1]);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['fc.weight', 'fc.bias']);
  });

  it('getSubmodule follows dotted paths', () => {
    const inner = new Linear(1, 1);
    const m = new Sequential(new Sequential(new ReLU(), inner));
    expect(m.getSubmodule('0.1')).toBe(inner);
    expect(m.getSubmodule('')).toBe(m);
    expect(() => m.getSubmodule('0.5')).toThrow(ArgumentError);
  });
});

describe('forward and call', () => {
  it('a Module without forward throws PyTorch\'s error', () => {
    expect(() => new Module().call()).toThrow(TorchletError);
    expect(() => new Module().forward()).toThrow('Module [Module] is missing the required "forward" function');
  });

  it('forward pre-hooks may replace the arguments; forward hooks the output; handles remove them', () => {
    const m = new Linear(2, 2);
    const seen: unknown[] = [];
    const pre = m.registerForwardPreHook((mod, args) => {
      seen.push(['pre', mod === m, args.length]);
      return (args[0] as Tensor).mul(0);
    });
    const post = m.registerForwardHook((_mod, args, out) => {
      seen.push(['post', flat(args[0] as Tensor)]);
      return (out as Tensor).add(1);
    });
    const x = tensor([[1, 2]]);
    const y = m.call(x);
    expect(seen).toEqual([['pre', true, 1], ['post', [0, 0]]]);
    expect(flat(y)).toEqual(flat(m.bias!.add(1)));
    // forward() skips hooks, as calling module.forward does in PyTorch
    expect(flat(m.forward(x))).toEqual(flat(noGrad(() => x.matmul(m.weight.t()).add(m.bias!))));
    pre.remove();
    post.remove();
    post.remove();
    expect(flat(m.call(x))).toEqual(flat(m.forward(x)));
    expect(pre.id).not.toBe(post.id);
  });

  it('hooks returning nothing leave arguments and output alone; Sequential runs the children\'s hooks', () => {
    const relu = new ReLU();
    const calls: string[] = [];
    relu.registerForwardHook(() => {
      calls.push('relu');
    });
    const seq = new Sequential(new Identity(), relu);
    const y = seq.call(tensor([-1, 2]));
    expect(y.tolist()).toEqual([0, 2]);
    expect(calls).toEqual(['relu']);
  });
});

describe('modes, gradients and apply', () => {
  it('train/eval set training recursively and return the module', () => {
    const m = new Sequential(new Linear(1, 1), new Sequential(new Dropout()));
    expect(m.modules().every((x) => x.training)).toBe(true);
    expect(m.eval()).toBe(m);
    expect(m.modules().every((x) => !x.training)).toBe(true);
    m.train();
    expect(m.modules().every((x) => x.training)).toBe(true);
    expect(() => m.train('yes' as any)).toThrow('training mode is expected to be boolean');
  });

  it('zeroGrad sets grads to null by default, or zeroes them in place (PyTorch 1.13\'s default)', () => {
    const m = new Linear(2, 1);
    m.call(tensor([[1, 2]])).sum().backward();
    const g = m.weight.grad!;
    m.zeroGrad({ setToNone: false });
    expect(m.weight.grad).toBe(g);
    expect(flat(g)).toEqual([0, 0]);
    m.zeroGrad();
    expect(m.weight.grad).toBeNull();
    expect(m.bias!.grad).toBeNull();
  });

  it('requiresGrad_ freezes and unfreezes every parameter; apply visits children first', () => {
    const m = new Sequential(new Linear(1, 1), new Tanh());
    m.requiresGrad_(false);
    expect(m.parameters().every((p) => !p.requiresGrad)).toBe(true);
    m.requiresGrad_();
    expect(m.parameters().every((p) => p.requiresGrad)).toBe(true);
    const order: string[] = [];
    expect(m.apply((x) => order.push(x.constructor.name))).toBe(m);
    expect(order).toEqual(['Linear', 'Tanh', 'Sequential']);
  });
});

describe('state dicts', () => {
  it('values are detached aliases of the parameters (keepVars keeps the Parameters)', () => {
    const m = new Linear(2, 2);
    const sd = m.stateDict();
    expect(sd.weight).not.toBe(m.weight);
    expect(sd.weight.requiresGrad).toBe(false);
    noGrad(() => m.weight.fill_(3));
    expect(flat(sd.weight)).toEqual([3, 3, 3, 3]);
    expect(m.stateDict({ keepVars: true }).weight).toBe(m.weight);
    expect(Object.keys(m.stateDict({ prefix: 'enc.' }))).toEqual(['enc.weight', 'enc.bias']);
  });

  it('round-trips between models and accepts a Map; copies, not aliases', () => {
    const a = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    const b = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    b.loadStateDict(new Map(Object.entries(a.stateDict())));
    for (const [[n, p], [, q]] of a.namedParameters().map((e, i) => [e, b.namedParameters()[i]] as const)) {
      expect(flat(q), n).toEqual(flat(p));
      expect(q).not.toBe(p);
      expect(q.requiresGrad).toBe(true);
    }
    noGrad(() => a.parameters()[0].fill_(0));
    expect(flat(b.parameters()[0]).some((v) => v !== 0)).toBe(true);
  });

  it('loads float64 values into float32 parameters (cast, as copy_ does) and a key like __proto__ stays a key', () => {
    const m = new Linear(1, 1);
    m.loadStateDict({ weight: tensor([[0.5]], { dtype: 'float64' }), bias: tensor([2]) });
    expect(m.weight.dtype).toBe('float32');
    expect(flat(m.weight)).toEqual([0.5]);
    const sd: Record<string, Tensor> = {};
    Object.defineProperty(sd, '__proto__', { value: tensor([1]), enumerable: true });
    expect(m.loadStateDict({ ...m.stateDict(), ...sd }, { strict: false }).unexpectedKeys).toEqual(['__proto__']);
  });
});

describe('loss modules', () => {
  it('keep class weights as buffers under PyTorch\'s names', () => {
    // PyTorch: BCEWithLogitsLoss(weight=w, pos_weight=p).state_dict() keys, CrossEntropyLoss(weight=w)'s, ...
    expect(Object.keys(new BCEWithLogitsLoss({ weight: ones([2]), posWeight: ones([2]) }).stateDict())).toEqual(['weight', 'pos_weight']);
    expect(Object.keys(new CrossEntropyLoss({ weight: ones([3]) }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new CrossEntropyLoss().stateDict())).toEqual([]);
    expect(Object.keys(new BCEWithLogitsLoss({ posWeight: ones([2]) }).stateDict())).toEqual(['pos_weight']);
    expect(String(new CrossEntropyLoss({ weight: ones([3]) }))).toBe('CrossEntropyLoss()');
    expect(new BCEWithLogitsLoss({ posWeight: ones([2]) }).posWeight!.shape).toEqual([2]);
    expect(() => new CrossEntropyLoss({ reduction: 'avg' as any })).toThrow(ArgumentError);
  });
});

describe('Parameter', () => {
  it('shares storage with its data, requires grad by default, and is a leaf', () => {
    const t = tensor([1, 2]);
    const p = new Parameter(t);
    expect(p).toBeInstanceOf(Tensor);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    noGrad(() => p.add_(1));
    expect(t.tolist()).toEqual([2, 3]);
    expect(new Parameter(t, false).requiresGrad).toBe(false);
    expect(new Parameter().shape).toEqual([0]);
    // results of ops on parameters are plain tensors
    expect(p.mul(2)).not.toBeInstanceOf(Parameter);
  });

  it('integer data cannot require grad', () => {
    expect(() => new Parameter(tensor([1, 2], { dtype: 'int32' }))).toThrow(AutogradError);
    expect(new Parameter(tensor([1, 2], { dtype: 'int32' }), false).dtype).toBe('int32');
  });
});

describe('Sequential', () => {
  it('indexes, iterates, appends, and accepts named modules', () => {
    const a = new Linear(2, 2), b = new ReLU();
    const s = new Sequential(a);
    s.append(b);
    expect(s.length).toBe(2);
    expect(s.at(0)).toBe(a);
    expect(s.at(-1)).toBe(b);
    expect((s as any)['1']).toBe(b);
    expect([...s]).toEqual([a, b]);
    expect(() => s.at(2)).toThrow(/out of range/);
    const named = new Sequential(new Map<string, Module>([['fc', a], ['act', b]]));
    expect(Object.keys(named.stateDict())).toEqual(['fc.weight', 'fc.bias']);
    expect(String(new Sequential({ fc: new Linear(1, 1) }))).toBe('Sequential(\n  (fc): Linear(in_features=1, out_features=1, bias=True)\n)');
    expect(() => new Sequential(new ReLU(), 3 as any)).toThrow(ArgumentError);
  });
});
