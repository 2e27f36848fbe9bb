// Bad input to every export of @torchlet/optim throws the documented typed error with a helpful
// message; and a step() or loadStateDict() that throws leaves parameters and optimizer state
// exactly as they were (random optimizers, random histories, random reasons to fail).
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ArgumentError, DTypeError, ShapeError, type Tensor, TorchletError, ones, tensor } from '@torchlet/core';
import * as optim from '@torchlet/optim';
import { Adam, AdamW, type Optimizer, RMSprop, SGD, lrScheduler } from '@torchlet/optim';
import { bad, type Entry, fixed, numberSlot, publicNames, type Slot, sweepEntry, sweptCalls } from '../../core/test/helpers/sweep.js';

// generous: CI runs these next to other packages' tests on two cores
vi.setConfig({ testTimeout: 120_000 });

const W = () => ones([2, 3], { requiresGrad: true });
const params = (): Slot => ({
  valid: () => [W()],
  bad: [
    bad('a single tensor', () => W(), ArgumentError, /iterable of Tensors or dicts, but got torch\.FloatTensor/),
    bad('undefined', () => undefined, ArgumentError, /iterable of Tensors or dicts/),
    bad('an empty list', () => [], ArgumentError, /empty parameter list/),
    bad('a list with a string', () => ['w'], ArgumentError, /param group must be an object|can only optimize Tensors/),
    bad('a non-leaf', () => [W().mul(2)], ArgumentError, /non-leaf Tensor/),
  ],
});
const option = (name: string, message: RegExp, valid: Record<string, unknown> = {}, extra: [string, unknown][] = []): Slot => ({
  valid: () => valid,
  bad: [
    bad(`${name}: NaN`, () => ({ ...valid, [name]: NaN }), ArgumentError, message),
    bad(`${name}: a string`, () => ({ ...valid, [name]: '0.1' }), ArgumentError, /must be a number|must be a pair/),
    bad(`${name}: negative`, () => ({ ...valid, [name]: -1 }), ArgumentError, message),
    ...extra.map(([label, v]) => bad(`${name}: ${label}`, () => ({ ...valid, [name]: v }), ArgumentError, message)),
  ],
});
const optimizerEntry = (make: (p: unknown, o: unknown) => Optimizer<any, any>, options: Slot[]): Entry => ({
  call: make,
  slots: [params(), ...options.slice(0, 1)],
  calls: options.slice(1).flatMap((s) => s.bad.map((b) => [b.label, () => make([W()], b.value()), b.error, b.message] as [string, () => unknown, typeof ArgumentError, RegExp])),
});
const sgd = () => new SGD([W()], { lr: 0.1 });
const schedulerSlots = (valid: () => unknown, badValues: [string, unknown, RegExp][]): Slot[] => [
  { valid: sgd, bad: [bad('a string', () => 'opt', ArgumentError, /is not an Optimizer/), bad('undefined', () => undefined, ArgumentError, /is not an Optimizer/)] },
  { valid, bad: badValues.map(([l, v, m]) => bad(l, () => v, ArgumentError, m)) },
];

const entries: Record<string, Entry> = {
  SGD: optimizerEntry((p, o) => new SGD(p as never, o as never), [
    option('lr', /Invalid learning rate/, { lr: 0.1 }),
    option('momentum', /Invalid momentum value/, { lr: 0.1 }),
    option('weightDecay', /Invalid weight_decay value/, { lr: 0.1 }),
    { valid: () => ({}), bad: [bad('nesterov without momentum', () => ({ lr: 0.1, nesterov: true }), ArgumentError, /Nesterov momentum requires a momentum and zero dampening/), bad('maximize: a string', () => ({ lr: 0.1, maximize: 'yes' }), ArgumentError, /must be a boolean/)] },
  ]),
  Adam: optimizerEntry((p, o) => new Adam(p as never, o as never), [
    option('lr', /Invalid learning rate/),
    option('eps', /Invalid epsilon value/),
    option('betas', /Invalid beta parameter|must be a pair/, {}, [['beta1 = 1', [1, 0.999]]]),
    option('weightDecay', /Invalid weight_decay value/),
  ]),
  AdamW: optimizerEntry((p, o) => new AdamW(p as never, o as never), [option('lr', /Invalid learning rate/), option('eps', /Invalid epsilon value/)]),
  RMSprop: optimizerEntry((p, o) => new RMSprop(p as never, o as never), [
    option('lr', /Invalid learning rate/), option('alpha', /Invalid alpha value/), option('momentum', /Invalid momentum value/), option('eps', /Invalid epsilon value/),
  ]),
  Optimizer: {
    // the abstract base, through a subclass: the methods every optimizer inherits
    call: () => sgd(),
    slots: [],
    calls: [
      ['addParamGroup of a parameter already in a group', () => { const w = W(); const o = new SGD([w], { lr: 0.1 }); o.addParamGroup({ params: [w] }); }, ArgumentError, /more than one parameter group/],
      ['addParamGroup of a string', () => sgd().addParamGroup('g' as never), ArgumentError, /param group must be an object/],
      ['step(closure) with an async closure', () => sgd().step(async () => 1), ArgumentError, /returned a Promise/],
      ['loadStateDict of a string', () => sgd().loadStateDict('sd' as never), ArgumentError, /expected a state dict object/],
      ['loadStateDict without param_groups', () => sgd().loadStateDict({ state: {} } as never), ArgumentError, /no 'param_groups' array/],
    ],
  },
  checkStateTensor: {
    call: (p: Tensor, s: unknown) => optim.checkStateTensor('SGD', p, s as never, 'momentumBuffer'),
    slots: [fixed(W), {
      valid: () => ({ momentumBuffer: ones([2, 3]) }),
      bad: [
        bad('a missing tensor', () => ({}), ArgumentError, /must be a Tensor, got undefined/),
        bad('a tensor of another shape', () => ({ momentumBuffer: ones([3]) }), ShapeError, /has shape \[3\] but its parameter has shape \[2, 3\]/),
        bad('a tensor of another dtype', () => ({ momentumBuffer: ones([2, 3], { dtype: 'float64' }) }), DTypeError, /float64 but its parameter is float32/),
      ],
    }],
  },
  'lrScheduler.LRScheduler': {
    // abstract: its constructor's checks, through StepLR
    call: (o: unknown, e: unknown) => new lrScheduler.StepLR(o as never, 2, { lastEpoch: e as never }),
    slots: [schedulerSlots(() => 2, [])[0], { valid: () => -1, bad: [bad('a lastEpoch below -1', () => -2, ArgumentError, /lastEpoch must be an integer >= -1/), bad('resuming without initialLr', () => 3, ArgumentError, /initial_lr/)] }],
  },
  'lrScheduler.StepLR': { call: (o: unknown, s: unknown) => new lrScheduler.StepLR(o as never, s as never), slots: schedulerSlots(() => 2, [['a zero step size', 0, /stepSize|step_size/], ['a fractional step size', 1.5, /stepSize|step_size/], ['a string', '2', /stepSize|step_size/]]) },
  'lrScheduler.MultiStepLR': { call: (o: unknown, m: unknown) => new lrScheduler.MultiStepLR(o as never, m as never), slots: schedulerSlots(() => [2, 4], [['a string', 'x', /milestones/], ['a fractional milestone', [1.5], /milestones/]]) },
  'lrScheduler.ExponentialLR': { call: (o: unknown, g: unknown) => new lrScheduler.ExponentialLR(o as never, g as never), slots: schedulerSlots(() => 0.9, [['a string gamma', '0.9', /gamma/], ['NaN', NaN, /gamma/]]) },
  'lrScheduler.CosineAnnealingLR': { call: (o: unknown, t: unknown) => new lrScheduler.CosineAnnealingLR(o as never, t as never), slots: schedulerSlots(() => 10, [['a zero period', 0, /tMax|T_max/], ['a string period', '10', /tMax|T_max/]]) },
  'lrScheduler.LinearLR': {
    call: (o: unknown, opts: unknown) => new lrScheduler.LinearLR(o as never, opts as never),
    slots: schedulerSlots(() => ({ startFactor: 0.5 }), [['a start factor above 1', { startFactor: 2 }, /Starting multiplicative factor/], ['a negative start factor', { startFactor: -0.5 }, /Starting multiplicative factor/]]),
  },
};

describe('the optim sweep covers every export', () => {
  it('has an entry for every function and class @torchlet/optim exports', () => {
    const names = publicNames(optim as Record<string, unknown>, ['lrScheduler']);
    expect(names.filter((n) => !(n in entries)), 'exports without a bad-input entry').toEqual([]);
    expect(Object.keys(entries).filter((n) => !names.includes(n)), 'entries for names not exported').toEqual([]);
  });
});

describe('bad input to @torchlet/optim throws typed, helpful errors', () => {
  for (const [name, entry] of Object.entries(entries)) {
    it(name, () => {
      expect(sweepEntry(name, entry)).toBeGreaterThan(0);
    });
  }
  it('a scheduler step(epoch) with a bad epoch', () => {
    const s = new lrScheduler.StepLR(sgd(), 2);
    expect(() => s.step(NaN)).toThrow(ArgumentError);
    void numberSlot;
  });
});

// ---- failed calls change nothing --------------------------------------------------------------

const SEED = Number(process.env.TORCHLET_FC_SEED ?? 20_250_611);
type Make = (ps: Tensor[]) => Optimizer<any, any>;
const OPTIMIZERS: [string, Make][] = [
  ['SGD momentum', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 })],
  ['SGD nesterov', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.5, nesterov: true })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.01 })],
  ['Adam amsgrad', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1 })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
  ['RMSprop centered momentum', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.9 })],
];

/** Everything a failed call must leave alone: parameter values and versions, group options, state. */
function snapshot(opt: Optimizer<any, any>, ps: Tensor[]): unknown {
  const plain = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && 'shape' in (v as object) ? { t: (v as Tensor).tolist(), version: (v as Tensor).version } : Array.isArray(v) ? v.map(plain) : v;
  return {
    params: ps.map((p) => ({ values: p.tolist(), version: p.version })),
    groups: opt.paramGroups.map((g) => Object.fromEntries(Object.entries(g).filter(([k]) => k !== 'params').map(([k, v]) => [k, plain(v)]))),
    state: [...opt.state.entries()].map(([p, s]) => [ps.indexOf(p), Object.fromEntries(Object.entries(s).map(([k, v]) => [k, plain(v)]))]),
  };
}

/** Ways to make the next step() throw. */
const STEP_FAILURES: [string, (opt: Optimizer<any, any>, ps: Tensor[]) => void][] = [
  ['a NaN lr on the last group', (opt) => { opt.paramGroups.at(-1)!.lr = NaN; }],
  ['a grad of the wrong shape on the last parameter', (_o, ps) => { (ps.at(-1) as any)._grad = ones([7]); }],
  ['a grad of another dtype', (_o, ps) => { (ps.at(-1) as any)._grad = ones(ps.at(-1)!.shape.slice(), { dtype: 'float64' }); }],
  ['state of the wrong shape on the last parameter (or a negative lr, before any state exists)', (opt, ps) => {
    const s = opt.state.get(ps.at(-1)!);
    const keys = s === undefined ? [] : Object.keys(s).filter((k) => s[k] !== null && typeof s[k] === 'object' && 'shape' in (s[k] as object) && (s[k] as Tensor).numel() > 1);
    if (keys.length > 0) for (const k of keys) s![k] = ones([9]);
    else opt.paramGroups.at(-1)!.lr = -1;
  }],
  ['a parameter added to a second group by hand', (opt, ps) => { opt.paramGroups.push({ ...opt.paramGroups[0], params: [ps[0]] }); }],
];

/** Ways to make loadStateDict() throw, given a good dict from a twin optimizer. */
const LOAD_FAILURES: [string, (sd: any) => void][] = [
  ['a state tensor of the wrong shape (or no groups, when there is no state)', (sd) => {
    const s = Object.values(sd.state).at(-1) as any;
    const keys = s === undefined ? [] : Object.keys(s).filter((k) => s[k]?.numel?.() > 1);
    if (keys.length > 0) for (const k of keys) s[k] = ones([9]);
    else sd.param_groups = [];
  }],
  ['a NaN lr in a saved group', (sd) => { sd.param_groups.at(-1).lr = NaN; }],
  ['one group too many', (sd) => { sd.param_groups.push({ ...sd.param_groups[0] }); }],
  ['a group of another size', (sd) => { sd.param_groups[0].params = sd.param_groups[0].params.slice(1); }],
  ['state for an index no group lists', (sd) => { sd.state[99] = {}; }],
];

describe('a step() or loadStateDict() that throws changes nothing', () => {
  const arb = fc.tuple(fc.nat({ max: OPTIMIZERS.length - 1 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1000 }));
  const setup = ([o, history, nParams, seed]: [number, number, number, number]) => {
    const ps = Array.from({ length: nParams }, (_, i) => tensor(Float32Array.from({ length: 4 + i }, (_, j) => Math.sin(seed + 7 * i + j)), { requiresGrad: true }));
    const opt = OPTIMIZERS[o][1](ps);
    const train = () => {
      opt.zeroGrad();
      ps.map((p) => p.mul(p).sum()).reduce((a, b) => a.add(b)).backward();
    };
    for (let i = 0; i < history; i++) {
      train();
      opt.step();
    }
    train(); // fresh grads for the failing step
    return { ps, opt, name: OPTIMIZERS[o][0] };
  };

  it('step(): parameters, state and options are untouched', () => {
    let n = 0;
    fc.assert(fc.property(arb, fc.nat({ max: STEP_FAILURES.length - 1 }), (c, f) => {
      n++;
      const { ps, opt, name } = setup(c);
      const [why, breakIt] = STEP_FAILURES[f];
      breakIt(opt, ps);
      const before = snapshot(opt, ps);
      let error: unknown = null;
      try {
        opt.step();
      } catch (e) {
        error = e;
      }
      expect(error, `${name}: step with ${why}`).toBeInstanceOf(TorchletError);
      expect(snapshot(opt, ps), `${name}: state after a step with ${why}`).toEqual(before);
    }), { numRuns: 120, seed: SEED });
    console.log(`[fast-check] optim failed steps: seed ${SEED}, ${n} generated cases`);
  });

  it('loadStateDict(): parameters, state and options are untouched', () => {
    let n = 0;
    fc.assert(fc.property(arb, fc.nat({ max: LOAD_FAILURES.length - 1 }), (c, f) => {
      n++;
      const { ps, opt, name } = setup(c);
      const twin = setup([c[0], c[1] + 1, c[2], c[3] + 1]);
      const sd = twin.opt.stateDict();
      const [why, breakIt] = LOAD_FAILURES[f];
      breakIt(sd);
      const before = snapshot(opt, ps);
      let error: unknown = null;
      try {
        opt.loadStateDict(sd);
      } catch (e) {
        error = e;
      }
      expect(error, `${name}: load with ${why}`).toBeInstanceOf(TorchletError);
      expect(snapshot(opt, ps), `${name}: state after a load with ${why}`).toEqual(before);
    }), { numRuns: 120, seed: SEED });
    console.log(`[fast-check] optim failed loads: seed ${SEED}, ${n} generated cases`);
  });
});

afterAll(() => console.log(`[sweep] @torchlet/optim: ${sweptCalls()} bad calls, each a typed error with a helpful message`));
