// State dicts: PyTorch's structure and key names, exact round trips, loading PyTorch's own dicts
// (converted to torchlet tensors) and continuing PyTorch's trajectory, casting on load, and
// bad dicts rejected before anything changes.
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, ShapeError, type Tensor, tensor, zeros } from '@torchlet/core';
import { Adam, type OptimizerStateDict, SGD } from '@torchlet/optim';
import {
  type FloatDType, type GroupSpec, type Problem, compareRows, decodeStateDict, fixture, flat, makeOptimizer, makeParams, printReport, setGrads,
} from './helpers.js';

interface StateDictCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups: GroupSpec[] | null;
  noGrad: number[];
  saveDtype: FloatDType;
  loadDtype: FloatDType;
  steps: number;
  midParams: number[][];
  stateDict: any;
  continued: number[][];
}

const data = fixture<{ problem: Problem; cases: StateDictCase[] }>('state-dicts.json');
const PYTORCH_ONLY_KEYS = ['foreach', 'differentiable', 'capturable', 'fused'];

function stepN(opt: { step(): unknown }, params: Tensor[], n: number, noGrad: number[]): number[][] {
  const rows: number[][] = [];
  for (let s = 0; s < n; s++) {
    setGrads(data.problem, params, noGrad);
    opt.step();
    rows.push(flat(params));
  }
  return rows;
}

function copies(params: Tensor[], dtype: FloatDType): Tensor[] {
  return params.map((p) => p.detach().to(dtype).clone().requiresGrad_(true));
}

describe('state dict round trip (save mid-way, load into a fresh optimizer, continue)', () => {
  for (const c of data.cases.filter((x) => x.saveDtype === x.loadDtype)) {
    it(`is exact: ${c.name}`, () => {
      const params = makeParams(data.problem, c.saveDtype);
      const opt = makeOptimizer(c.optimizer, params, c.options, c.groups);
      stepN(opt, params, c.steps, c.noGrad);
      const resumedParams = copies(params, c.loadDtype);
      const resumed = makeOptimizer(c.optimizer, resumedParams, c.options, c.groups);
      resumed.loadStateDict(opt.stateDict());
      const original = stepN(opt, params, c.continued.length, c.noGrad);
      const continued = stepN(resumed, resumedParams, c.continued.length, c.noGrad);
      expect(continued).toEqual(original); // bit for bit
      expect(compareRows(continued, c.continued, c.loadDtype).firstBad).toBeNull();
    });
  }
});

describe("loading PyTorch's state dict continues PyTorch's trajectory", () => {
  for (const c of data.cases) {
    it(c.name, () => {
      const params = makeParams(data.problem, c.loadDtype, c.midParams);
      const opt = makeOptimizer(c.optimizer, params, c.options, c.groups);
      opt.loadStateDict(decodeStateDict(c.stateDict));
      // PyTorch's cast: state tensors take the parameter's dtype, except `step`
      for (const state of opt.state.values()) {
        for (const [key, value] of Object.entries(state)) {
          if (key !== 'step' && value !== null && typeof value === 'object' && 'dtype' in value) expect((value as Tensor).dtype).toBe(c.loadDtype);
        }
        if (c.optimizer.startsWith('Adam')) expect((state.step as Tensor).dtype).toBe('float32');
      }
      const continued = stepN(opt, params, c.continued.length, c.noGrad);
      expect(compareRows(continued, c.continued, c.loadDtype).firstBad).toBeNull();
    });

    it(`writes PyTorch's keys and structure: ${c.name}`, () => {
      const params = makeParams(data.problem, c.saveDtype);
      const opt = makeOptimizer(c.optimizer, params, c.options, c.groups);
      stepN(opt, params, c.steps, c.noGrad);
      const ours = opt.stateDict();
      const theirs = c.stateDict as { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] };
      expect(Object.keys(ours.state).sort()).toEqual(Object.keys(theirs.state).sort());
      for (const [i, entry] of Object.entries(theirs.state)) expect(Object.keys(ours.state[Number(i)]).sort()).toEqual(Object.keys(entry).sort());
      expect(ours.param_groups.length).toBe(theirs.param_groups.length);
      ours.param_groups.forEach((g, i) => {
        const expected = Object.fromEntries(Object.entries(theirs.param_groups[i]).filter(([k]) => !PYTORCH_ONLY_KEYS.includes(k)));
        expect(g).toEqual(expected);
      });
      // and the state values are PyTorch's
      if (c.saveDtype === 'float32' || c.optimizer === 'SGD') {
        for (const [i, entry] of Object.entries(theirs.state)) {
          for (const [key, value] of Object.entries(entry)) {
            const mine = ours.state[Number(i)][key];
            if (value === null || typeof value === 'number') expect(mine).toBe(value);
            else {
              const t = (value as { tensor: { values: number[]; dtype: FloatDType } }).tensor;
              expect(compareRows([flat([mine as Tensor])], [t.values], t.dtype).firstBad).toBeNull();
            }
          }
        }
      }
    });
  }
});

afterAll(() => printReport('state dicts'));

describe('state dict semantics', () => {
  function trained(): { params: Tensor[]; opt: Adam } {
    const params = makeParams(data.problem, 'float64');
    const opt = new Adam(params, { lr: 0.05, amsgrad: true });
    stepN(opt, params, 3, []);
    return { params, opt };
  }

  it('returns live state tensors (as PyTorch) and copies group options', () => {
    const { params, opt } = trained();
    const sd = opt.stateDict();
    expect(sd.state[0].exp_avg).toBe(opt.state.get(params[0])!.expAvg);
    (sd.param_groups[0].betas as number[])[0] = 0.5;
    expect(opt.paramGroups[0].betas[0]).toBe(0.9);
  });

  it('copies state on load, so the two optimizers do not share tensors', () => {
    const { params, opt } = trained();
    const other = new Adam(copies(params, 'float64'), { lr: 0.05, amsgrad: true });
    other.loadStateDict(opt.stateDict());
    const a = opt.state.get(params[0])!.expAvg;
    const b = other.state.get(other.paramGroups[0].params[0])!.expAvg;
    expect(b).not.toBe(a);
    expect(b.tolist()).toEqual(a.tolist());
    expect(other.state.get(other.paramGroups[0].params[0])!.step).not.toBe(opt.state.get(params[0])!.step);
  });

  it('takes group options from the dict and keeps camelCase names live', () => {
    const { opt } = trained();
    const sd = opt.stateDict();
    sd.param_groups[0].lr = 0.001;
    sd.param_groups[0].weight_decay = 0.25;
    sd.param_groups[0].initial_lr = 0.05;
    sd.param_groups[0].foreach = null; // PyTorch keys we do not use are carried along
    const other = new Adam([zeros([3, 4], { dtype: 'float64', requiresGrad: true }), zeros([5], { dtype: 'float64', requiresGrad: true }), zeros([2], { dtype: 'float64', requiresGrad: true })]);
    other.loadStateDict(sd);
    const g = other.paramGroups[0];
    expect(g.lr).toBe(0.001);
    expect(g.weightDecay).toBe(0.25);
    expect(g.initialLr).toBe(0.05);
    expect(g.amsgrad).toBe(true);
    expect(g.foreach).toBeNull();
    expect(other.stateDict().param_groups[0]).toMatchObject({ lr: 0.001, weight_decay: 0.25, initial_lr: 0.05, foreach: null });
  });

  it("accepts a PyTorch < 1.12 Adam state whose step is a number", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([p]);
    opt.loadStateDict({ state: { 0: { step: 3, exp_avg: tensor([0.1, 0.2]), exp_avg_sq: tensor([0.01, 0.04]) } }, param_groups: [{ ...opt.stateDict().param_groups[0] }] });
    expect(opt.state.get(p)!.step.item()).toBe(3);
    p.grad = tensor([1, 1]);
    opt.step();
    expect(opt.state.get(p)!.step.item()).toBe(4);
  });

  it('keeps momentum_buffer: null for SGD without momentum, as PyTorch', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 1]);
    opt.step();
    expect(opt.stateDict().state).toEqual({ 0: { momentum_buffer: null } });
  });
});

describe('loadStateDict rejects bad dicts and changes nothing', () => {
  function setup() {
    const params = makeParams(data.problem, 'float32');
    const opt = new SGD([{ params: [params[0], params[1]] }, { params: [params[2]], lr: 0.01 }], { lr: 0.1, momentum: 0.9 });
    stepN(opt, params, 2, []);
    const before = { groups: JSON.stringify(opt.stateDict().param_groups), bufs: params.map((p) => opt.state.get(p)!.momentumBuffer!.tolist()), state: opt.state, groupsRef: opt.paramGroups };
    const unchanged = () => {
      expect(opt.state).toBe(before.state);
      expect(opt.paramGroups).toBe(before.groupsRef);
      expect(JSON.stringify(opt.stateDict().param_groups)).toBe(before.groups);
      params.forEach((p, i) => expect(opt.state.get(p)!.momentumBuffer!.tolist()).toEqual(before.bufs[i]));
    };
    return { params, opt, sd: opt.stateDict(), unchanged };
  }

  it('a different number of groups', () => {
    const { opt, sd, unchanged } = setup();
    expect(() => opt.loadStateDict({ ...sd, param_groups: sd.param_groups.slice(0, 1) })).toThrow(ArgumentError);
    expect(() => opt.loadStateDict({ ...sd, param_groups: sd.param_groups.slice(0, 1) })).toThrow(/loaded state dict has a different number of parameter groups/);
    unchanged();
  });

  it('a group of a different size', () => {
    const { opt, sd, unchanged } = setup();
    const bad: OptimizerStateDict = { ...sd, param_groups: [{ ...sd.param_groups[0], params: [0] }, sd.param_groups[1]] };
    expect(() => opt.loadStateDict(bad)).toThrow(/loaded state dict contains a parameter group that doesn't match the size of optimizer's group/);
    unchanged();
  });

  it('a state tensor of the wrong shape', () => {
    const { opt, sd, unchanged } = setup();
    const bad: OptimizerStateDict = { ...sd, state: { ...sd.state, 2: { momentum_buffer: zeros([3]) } } };
    expect(() => opt.loadStateDict(bad)).toThrow(ShapeError);
    unchanged();
  });

  it('an invalid option in a saved group', () => {
    const { opt, sd, unchanged } = setup();
    const bad: OptimizerStateDict = { ...sd, param_groups: [sd.param_groups[0], { ...sd.param_groups[1], lr: -1 }] };
    expect(() => opt.loadStateDict(bad)).toThrow('Invalid learning rate: -1');
    unchanged();
  });

  it('state for an index no group lists, a missing key, or not a dict at all', () => {
    const { opt, sd, unchanged } = setup();
    expect(() => opt.loadStateDict({ ...sd, state: { ...sd.state, 7: { momentum_buffer: null } } })).toThrow(/parameter index 7/);
    expect(() => opt.loadStateDict({ state: sd.state } as unknown as OptimizerStateDict)).toThrow(/param_groups/);
    expect(() => opt.loadStateDict(null as unknown as OptimizerStateDict)).toThrow(ArgumentError);
    expect(() => opt.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0], params: [0, 'x'] }, sd.param_groups[1]] } as unknown as OptimizerStateDict)).toThrow(/indices/);
    unchanged();
  });

  it("Adam state missing what the group's options need", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([p], { amsgrad: true });
    const bad = { state: { 0: { step: tensor(1), exp_avg: tensor([0, 0]), exp_avg_sq: tensor([0, 0]) } }, param_groups: opt.stateDict().param_groups };
    expect(() => opt.loadStateDict(bad)).toThrow(/max_exp_avg_sq|maxExpAvgSq/);
    expect(opt.state.size).toBe(0);
    const wrongDtype = { state: { 0: { step: tensor(1), exp_avg: tensor([0, 0]), exp_avg_sq: tensor([0, 0]), max_exp_avg_sq: tensor([0, 0]) } }, param_groups: opt.stateDict().param_groups };
    const p64 = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const opt64 = new Adam([p64], { amsgrad: true });
    opt64.loadStateDict(wrongDtype); // cast on load: float32 state becomes float64
    expect(opt64.state.get(p64)!.expAvg.dtype).toBe('float64');
    opt64.state.get(p64)!.expAvg = tensor([0, 0]);
    p64.grad = tensor([1, 1], { dtype: 'float64' });
    expect(() => opt64.step()).toThrow(DTypeError);
  });
});
