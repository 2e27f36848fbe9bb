// Bad input to every export of @torchlet/nn (classes: constructor arguments and forward inputs;
// functional, init and utils functions; safetensors): each throws the documented typed error with
// a message that says what was wrong. The export list is enumerated, so a new export without an
// entry fails the first test. (The sweep machinery is core's: packages/core/test/helpers/sweep.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, AutogradError, DimError, DTypeError, ShapeError, tensor, TorchletError, ones, zeros } from '@torchlet/core';
import * as nn from '@torchlet/nn';
import { loadSafetensorsFile, saveSafetensorsFile } from '@torchlet/nn/node';
import {
  bad, type BadValue, countSlot, type Entry, expectTyped, fixed, numberSlot, publicNames, type Slot, sweepEntry, sweptCalls, tensorSlot,
} from '../../core/test/helpers/sweep.js';

const { functional: F, init } = nn;
const X = () => ones([2, 3]);
const P = () => ones([2, 3]).softmax(1);
const T3 = () => tensor(Int32Array.from([0, 2]), { shape: [2] });
const t = (valid: () => unknown = X, extra: BadValue[] = []) => tensorSlot(valid, extra);
const sizeArg = (valid: () => unknown = () => 3) => countSlot(valid);
const reduction = (valid: () => unknown = () => ({})): Slot => ({
  valid,
  bad: [bad('an unknown reduction', () => ({ reduction: 'avg' }), ArgumentError, /avg is not a valid value for reduction/)],
});
const floatOnly = bad('an int32 tensor', T3, DTypeError, /floating point/);

/** forward(...) of a module with wrong inputs. */
const forwardCalls = (make: () => nn.Module, good: () => unknown[]): Entry['calls'] => [
  ['forward(undefined)', () => make().forward(undefined, ...good().slice(1)), ArgumentError, /Tensor/],
  ['forward("x")', () => make().forward('x', ...good().slice(1)), ArgumentError, /Tensor/],
];
const lossEntry = (Cls: new (o?: any) => nn.Module, input = X, target: () => unknown = X): Entry => ({
  call: (o: unknown) => new Cls(o).forward(input(), target()),
  slots: [reduction()],
  calls: [
    ...forwardCalls(() => new Cls(), () => [input(), target()])!,
    ['a target of another shape or kind', () => new Cls().forward(input(), ones([5])), TorchletError, /target|size|shape|dtype/i],
  ],
});
const activation = (make: () => nn.Module): Entry => ({ call: () => make().forward(X()), slots: [], calls: forwardCalls(make, () => [X()]) });
const floatFn = (f: (x: any, ...a: any[]) => unknown, extra: Slot[] = []): Entry => ({ call: f, slots: [t(X), ...extra] });
const lossFn = (f: (x: any, y: any, o?: any) => unknown, input = X, target: () => unknown = X): Entry => ({
  call: f,
  slots: [t(input), t(target), reduction()],
});
const initFn = (f: (t: any, ...a: any[]) => unknown, extra: Slot[] = [], calls: Entry['calls'] = []): Entry => ({ call: f, slots: [t(X), ...extra], calls });

const entries: Record<string, Entry> = {
  Module: {
    call: () => new nn.Module(),
    slots: [],
    calls: [
      ['forward of a Module without one', () => new nn.Module().forward(X()), TorchletError, /missing the required "forward" function/],
      ['registerParameter with a dotted name', () => new nn.Module().registerParameter('a.b', null), ArgumentError, /can't contain "\."/],
      ['registerParameter with a plain tensor', () => new nn.Module().registerParameter('w', X() as never), ArgumentError, /Parameter or null required/],
      ['registerBuffer with a number name', () => new nn.Module().registerBuffer(1 as never, X()), ArgumentError, /name should be a string/],
      ['registerModule with a non-module', () => new nn.Module().registerModule('m', 'x' as never), ArgumentError, /is not a Module subclass/],
      ['train("yes")', () => new nn.Module().train('yes' as never), ArgumentError, /boolean/],
      ['getSubmodule of a missing path', () => new nn.Module().getSubmodule('a.b'), ArgumentError, /has no attribute `a`/],
      ['loadStateDict("x")', () => new nn.Linear(2, 2).loadStateDict('x' as never), ArgumentError, /dict-like/],
      ['registerForwardHook("x")', () => new nn.Module().registerForwardHook('x' as never), ArgumentError, /expects a function/],
    ],
  },
  Parameter: {
    call: (d: unknown, r: unknown) => new nn.Parameter(d as never, r as never),
    slots: [t(X).bad.length ? { valid: X, bad: t(X).bad.filter((b) => b.label !== 'undefined') } : t(X), { valid: () => true, bad: [bad('a string flag', () => 'yes', ArgumentError, /boolean/)] }],
    calls: [['integer data', () => new nn.Parameter(T3()), AutogradError, /floating point/]],
  },
  Sequential: {
    call: (a: unknown, b: unknown) => new nn.Sequential(a as never, b as never),
    slots: [{ valid: () => new nn.ReLU(), bad: [bad('a string', () => 'relu', ArgumentError, /not a Module/), bad('a number', () => 1, ArgumentError, /not a Module/)] }, fixed(() => new nn.Tanh())],
    calls: [
      ['at() out of range', () => new nn.Sequential(new nn.ReLU()).at(3), DimError, /out of range/],
      ['at() with a fraction', () => new nn.Sequential(new nn.ReLU()).at(0.5), DimError, /out of range/],
      ...forwardCalls(() => new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU()), () => [X()])!,
    ],
  },
  Linear: {
    call: (i: unknown, o: unknown) => new nn.Linear(i as never, o as never),
    slots: [sizeArg(() => 3), sizeArg(() => 2)],
    calls: [
      ['forward with the wrong features', () => new nn.Linear(3, 2).forward(ones([2, 5])), ShapeError, /expected input with 3 features/],
      ['forward with float64 input', () => new nn.Linear(3, 2).forward(ones([2, 3], { dtype: 'float64' })), DTypeError, /same dtype/],
      ...forwardCalls(() => new nn.Linear(3, 2), () => [X()])!,
    ],
  },
  Identity: { call: () => new nn.Identity('anything', 1).forward(X()), slots: [] },
  Flatten: {
    call: (s: unknown, e: unknown) => new nn.Flatten(s as never, e as never).forward(ones([2, 3, 4])),
    slots: [{ valid: () => 1, bad: [bad('a dim out of range', () => 5, DimError, /out of range/), bad('a fractional dim', () => 0.5, ArgumentError, /integer/)] }, fixed(() => -1)],
    calls: forwardCalls(() => new nn.Flatten(), () => [X()]),
  },
  ReLU: activation(() => new nn.ReLU()),
  LeakyReLU: {
    call: (s: unknown) => new nn.LeakyReLU(s as never).forward(X()),
    slots: [numberSlot(() => 0.01, [], true)],
    calls: forwardCalls(() => new nn.LeakyReLU(), () => [X()]),
  },
  GELU: {
    call: (o: unknown) => new nn.GELU(o as never).forward(X()),
    slots: [{ valid: () => ({}), bad: [bad('an unknown approximation', () => ({ approximate: 'fast' }), ArgumentError, /approximate/)] }],
    calls: forwardCalls(() => new nn.GELU(), () => [X()]),
  },
  Sigmoid: activation(() => new nn.Sigmoid()),
  Tanh: activation(() => new nn.Tanh()),
  Softmax: {
    call: (d: unknown) => new nn.Softmax(d as never).forward(X()),
    slots: [{ valid: () => 1, bad: [bad('a dim out of range', () => 2, DimError, /out of range/), bad('a string dim', () => 'x', ArgumentError, /dim/)] }],
    calls: forwardCalls(() => new nn.Softmax(1), () => [X()]),
  },
  LogSoftmax: {
    call: (d: unknown) => new nn.LogSoftmax(d as never).forward(X()),
    slots: [{ valid: () => 1, bad: [bad('a dim out of range', () => -3, DimError, /out of range/)] }],
    calls: forwardCalls(() => new nn.LogSoftmax(1), () => [X()]),
  },
  Dropout: {
    call: (p: unknown) => new nn.Dropout(p as never).forward(X()),
    slots: [numberSlot(() => 0.5, [bad('p > 1', () => 1.5, ArgumentError, /between 0 and 1/), bad('NaN', () => NaN, ArgumentError, /must be a number/)], true)],
    calls: forwardCalls(() => new nn.Dropout(), () => [X()]),
  },
  LayerNorm: {
    call: (s: unknown) => new nn.LayerNorm(s as never),
    slots: [{ valid: () => [3], bad: [bad('a negative size', () => [-1], ShapeError, /negative dimension -1/), bad('a fractional size', () => [1.5], ArgumentError, /integer/), bad('an empty shape', () => [], ShapeError, /at least 1-dimensional/), bad('a size too large to allocate', () => [1 << 30, 1 << 30], ShapeError, /can't allocate memory/)] }],
    calls: [
      ['forward with the wrong trailing shape', () => new nn.LayerNorm([4]).forward(X()), ShapeError, /normalized_shape/],
      ...forwardCalls(() => new nn.LayerNorm([3]), () => [X()])!,
    ],
  },
  Embedding: {
    call: (n: unknown, d: unknown) => new nn.Embedding(n as never, d as never),
    slots: [sizeArg(() => 5), sizeArg(() => 2)],
    calls: [
      ['a paddingIdx out of range', () => new nn.Embedding(5, 2, { paddingIdx: 5 }), ArgumentError, /Padding_idx must be within num_embeddings/],
      ['float indices', () => new nn.Embedding(5, 2).forward(X()), DTypeError, /int32/],
      ['an index out of range', () => new nn.Embedding(5, 2).forward(tensor(Int32Array.from([7]))), DimError, /index out of range/],
    ],
  },
  Loss: { call: (r: unknown) => new nn.Loss(r as never), slots: [{ valid: () => 'mean', bad: [bad('an unknown reduction', () => 'avg', ArgumentError, /avg is not a valid value for reduction/)] }] },
  WeightedLoss: { call: (w: unknown, r: unknown) => new nn.WeightedLoss(w as never, r as never), slots: [{ valid: () => null, bad: [bad('a string weight', () => 'w', ArgumentError, /Tensor or null required/)] }, fixed(() => 'mean')] },
  MSELoss: lossEntry(nn.MSELoss),
  L1Loss: lossEntry(nn.L1Loss),
  SmoothL1Loss: lossEntry(nn.SmoothL1Loss),
  HuberLoss: lossEntry(nn.HuberLoss),
  NLLLoss: lossEntry(nn.NLLLoss, () => P().log(), T3),
  CrossEntropyLoss: lossEntry(nn.CrossEntropyLoss, X, T3),
  BCELoss: lossEntry(nn.BCELoss, P, P),
  BCEWithLogitsLoss: lossEntry(nn.BCEWithLogitsLoss),
  'functional.linear': { call: F.linear, slots: [t(X), t(() => ones([2, 3])), { valid: () => ones([2]), bad: [bad('a string bias', () => 'b', ArgumentError, /Tensor/)] }] },
  'functional.relu': floatFn(F.relu),
  'functional.leakyRelu': floatFn(F.leakyRelu, [numberSlot(() => 0.01, [], true)]),
  'functional.gelu': floatFn(F.gelu),
  'functional.sigmoid': floatFn(F.sigmoid),
  'functional.tanh': floatFn(F.tanh),
  'functional.softmax': floatFn(F.softmax, [{ valid: () => 1, bad: [bad('a dim out of range', () => 3, DimError, /out of range/)] }]),
  'functional.logSoftmax': floatFn(F.logSoftmax, [{ valid: () => 1, bad: [bad('a dim out of range', () => 3, DimError, /out of range/)] }]),
  'functional.dropout': floatFn(F.dropout, [numberSlot(() => 0.5, [bad('a negative p', () => -0.5, ArgumentError, /between 0 and 1/)], true)]),
  'functional.layerNorm': {
    call: F.layerNorm,
    slots: [t(X, [floatOnly]), { valid: () => [3], bad: [bad('a fractional size', () => [1.5], ArgumentError, /integer/), bad('a mismatched shape', () => [4], ShapeError, /normalized_shape/)] }],
  },
  'functional.embedding': {
    call: F.embedding,
    slots: [t(T3, [bad('float indices', X, DTypeError, /int32/)]), t(() => ones([5, 2]), [bad('a 1-d weight', () => ones([5]), ShapeError, /must be 2-D/)])],
  },
  'functional.mseLoss': lossFn(F.mseLoss),
  'functional.l1Loss': lossFn(F.l1Loss),
  'functional.smoothL1Loss': { ...lossFn(F.smoothL1Loss), calls: [['a negative beta', () => F.smoothL1Loss(X(), X(), { beta: -1 }), ArgumentError, /negative values for beta/]] },
  'functional.huberLoss': { ...lossFn(F.huberLoss), calls: [['a zero delta', () => F.huberLoss(X(), X(), { delta: 0 }), ArgumentError, /non-positive values for delta/]] },
  'functional.nllLoss': { ...lossFn(F.nllLoss, () => P().log(), T3), calls: [['a target out of range', () => F.nllLoss(P().log(), tensor(Int32Array.from([0, 9]))), DimError, /out of bounds/]] },
  'functional.crossEntropy': { ...lossFn(F.crossEntropy, X, T3), calls: [['a float target of another shape (read as class indices, as PyTorch does)', () => F.crossEntropy(X(), ones([2, 4])), DTypeError, /int32/]] },
  'functional.binaryCrossEntropy': { ...lossFn(F.binaryCrossEntropy, P, P), calls: [['an input outside [0, 1]', () => F.binaryCrossEntropy(X().mul(2), P()), ArgumentError, /between 0 and 1/]] },
  'functional.binaryCrossEntropyWithLogits': lossFn(F.binaryCrossEntropyWithLogits),
  'init.calculateGain': { call: init.calculateGain, slots: [{ valid: () => 'relu', bad: [bad('an unknown nonlinearity', () => 'swish', ArgumentError, /Unsupported nonlinearity swish/)] }] },
  'init.calculateFanInAndFanOut': initFn(init.calculateFanInAndFanOut, [], [['a 1-d tensor', () => init.calculateFanInAndFanOut(ones([3])), ShapeError, /fewer than 2 dimensions/]]),
  'init.uniform_': initFn(init.uniform_, [numberSlot(() => 0, [], true), numberSlot(() => 1, [], true)], [['a > b', () => init.uniform_(X(), 1, 0), ArgumentError, /from=1 > to=0/]]),
  'init.normal_': initFn(init.normal_, [numberSlot(() => 0, [], true), numberSlot(() => 1, [bad('a negative std', () => -1, ArgumentError, /std >= 0/)], true)]),
  'init.constant_': initFn(init.constant_, [numberSlot(() => 2)]),
  'init.ones_': initFn(init.ones_),
  'init.zeros_': initFn(init.zeros_),
  'init.eye_': initFn(init.eye_, [], [['a 3-d tensor', () => init.eye_(ones([2, 2, 2])), ShapeError, /Only tensors with 2 dimensions/]]),
  'init.xavierUniform_': initFn(init.xavierUniform_, [numberSlot(() => 1, [], true)], [['a 1-d tensor', () => init.xavierUniform_(ones([3])), ShapeError, /fewer than 2 dimensions/]]),
  'init.xavierNormal_': initFn(init.xavierNormal_, [numberSlot(() => 1, [], true)]),
  'init.kaimingUniform_': initFn(init.kaimingUniform_, [{ valid: () => ({}), bad: [bad('an unknown mode', () => ({ mode: 'fan_avg' }), ArgumentError, /Mode fan_avg not supported/)] }]),
  'init.kaimingNormal_': initFn(init.kaimingNormal_, [{ valid: () => ({}), bad: [bad('an unknown nonlinearity', () => ({ nonlinearity: 'swish' }), ArgumentError, /Unsupported nonlinearity/)] }]),
  'utils.clipGradNorm_': {
    call: nn.utils.clipGradNorm_,
    slots: [{ valid: () => [X()], bad: [bad('a list with a non-tensor', () => [X(), 'p'], ArgumentError, /must be Tensors/)] }, numberSlot(() => 1)],
  },
  'utils.clipGradValue_': { call: nn.utils.clipGradValue_, slots: [{ valid: () => [X()], bad: [bad('a list with a non-tensor', () => ['p'], ArgumentError, /must be Tensors/)] }, numberSlot(() => 1, [bad('NaN', () => NaN, ArgumentError, /must be a number/)])] },
  saveSafetensors: { call: nn.saveSafetensors, slots: [{ valid: () => ({ w: X() }), bad: [bad('a string', () => 'x', ArgumentError, /state dict/), bad('an entry that is not a tensor', () => ({ w: 1 }), ArgumentError, /is not a Tensor/)] }] },
  loadSafetensors: { call: nn.loadSafetensors, slots: [{ valid: () => nn.saveSafetensors({ w: X() }), bad: [bad('a string', () => 'x', ArgumentError, /Uint8Array or an ArrayBuffer/), bad('3 bytes', () => new Uint8Array(3), ArgumentError, /too small/)] }] },
  readSafetensorsHeader: { call: nn.readSafetensorsHeader, slots: [{ valid: () => nn.saveSafetensors({ w: X() }), bad: [bad('undefined', () => undefined, ArgumentError, /Uint8Array or an ArrayBuffer/), bad('a header past the end', () => new Uint8Array([255, 0, 0, 0, 0, 0, 0, 0, 1]), ArgumentError, /runs past the end/)] }] },
};

const exempt: Record<string, string> = {
  StateDictError: 'an error class: constructed by loadStateDict with the problems it found',
};

describe('the nn sweep covers every export', () => {
  it('has an entry for every function and class @torchlet/nn exports', () => {
    const names = publicNames(nn as Record<string, unknown>, ['functional', 'init', 'utils']);
    expect(names.filter((n) => !(n in entries) && !(n in exempt)), 'exports without a bad-input entry').toEqual([]);
    expect(Object.keys(entries).filter((n) => !names.includes(n)), 'entries for names not exported').toEqual([]);
  });
});

describe('bad input to @torchlet/nn throws typed, helpful errors', () => {
  for (const [name, entry] of Object.entries(entries)) {
    it(name, () => {
      const n = sweepEntry(name, entry);
      if (entry.slots.length > 0 || (entry.calls?.length ?? 0) > 0) expect(n).toBeGreaterThan(0);
    });
  }

  it('@torchlet/nn/node file helpers reject bad arguments with typed errors', async () => {
    for (const [label, run] of [
      ['loadSafetensorsFile of a path that is not a string', () => loadSafetensorsFile(42 as never)],
      ['saveSafetensorsFile of a non-tensor entry', () => saveSafetensorsFile('/tmp/never-written.safetensors', { w: 1 } as never)],
    ] as const) {
      let error: unknown = null;
      try {
        await run();
      } catch (e) {
        error = e;
      }
      expect(error, label).toBeInstanceOf(TorchletError);
    }
    expect(() => expectTyped('sanity', () => { throw new ArgumentError('a message long enough'); }, ArgumentError, /message/)).not.toThrow();
    void zeros;
  });
});

afterAll(() => console.log(`[sweep] @torchlet/nn: ${sweptCalls()} bad calls, each a typed error with a helpful message`));
