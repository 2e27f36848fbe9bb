// Learning-rate schedulers against PyTorch 1.13's sequences (scheduler.step() after
// optimizer.step()), their state dicts, save/resume, and bad arguments.
import { describe, expect, it } from 'vitest';
import { ArgumentError, type Tensor, zeros } from '@torchlet/core';
import { SGD, lrScheduler } from '@torchlet/optim';
import { fixture, makeScheduler } from './helpers.js';

interface SchedulerCase {
  name: string;
  scheduler: string;
  args: unknown[];
  options: Record<string, unknown>;
  groupLrs: number[];
  initialLr: number[] | null;
  epochs: number[] | null;
  lrs: number[][];
  groupInitialLr: number[];
  stateDict: Record<string, unknown>;
}

const data = fixture<{ steps: number; cases: SchedulerCase[]; chained: number[][]; cosineForResume: number[][] }>('schedulers.json');

// Bit for bit, except through Math.cos: V8's cos (fdlibm) and glibc's, which Python calls, differ in
// the last bit for some arguments, and the chainable cosine form carries such a difference along.
function expectLrs(actual: number[][], expected: number[][], usesCos: boolean): void {
  if (!usesCos) {
    expect(actual).toEqual(expected);
    return;
  }
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i].length);
    row.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThanOrEqual(1e-13 * Math.abs(expected[i][j]) + 1e-18));
  });
}

function optimizer(lrs: number[]): SGD {
  const params: Tensor[] = [zeros([2], { requiresGrad: true }), zeros([3], { requiresGrad: true })];
  return new SGD([{ params: [params[0]], lr: lrs[0] }, { params: [params[1]], lr: lrs[1] }], { lr: lrs[0] });
}

describe('scheduler learning rates match PyTorch', () => {
  for (const c of data.cases) {
    it(c.name, () => {
      const opt = optimizer(c.groupLrs);
      if (c.initialLr) opt.paramGroups.forEach((g, i) => (g.initialLr = c.initialLr![i]));
      const s = makeScheduler(c.scheduler, opt, c.args, c.options);
      const lrs = [s.getLastLr()];
      for (let i = 0; i < (c.epochs ?? Array(data.steps)).length; i++) {
        opt.step();
        if (c.epochs) s.step(c.epochs[i]);
        else s.step();
        lrs.push(s.getLastLr());
      }
      const usesCos = c.scheduler === 'CosineAnnealingLR';
      expectLrs(lrs, c.lrs, usesCos);
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(lrs[lrs.length - 1]);
      expect(opt.paramGroups.map((g) => g.initialLr)).toEqual(c.groupInitialLr);
      const sd = s.stateDict();
      expectLrs([sd._last_lr as number[]], [c.stateDict._last_lr as number[]], usesCos);
      expect({ ...sd, _last_lr: null }).toEqual({ ...c.stateDict, _last_lr: null });
    });
  }

  it('two schedulers on one optimizer compose (chainable form)', () => {
    const opt = optimizer([0.1, 0.05]);
    const a = new lrScheduler.ExponentialLR(opt, 0.9);
    const b = new lrScheduler.StepLR(opt, 3, { gamma: 0.5 });
    const lrs = [opt.paramGroups.map((g) => g.lr)];
    for (let i = 0; i < data.steps; i++) {
      opt.step();
      a.step();
      b.step();
      lrs.push(opt.paramGroups.map((g) => g.lr));
    }
    expect(lrs).toEqual(data.chained);
  });

  it('resumes exactly from saved optimizer and scheduler state dicts', () => {
    const opt = optimizer([0.1, 0.05]);
    const s = new lrScheduler.CosineAnnealingLR(opt, 10, { etaMin: 0.001 });
    const lrs = [s.getLastLr()];
    for (let i = 0; i < 12; i++) {
      opt.step();
      s.step();
      lrs.push(s.getLastLr());
    }
    const optState = opt.stateDict();
    const schedState = s.stateDict();
    // PyTorch's resume recipe: a fresh optimizer loads its dict (initial_lr included), a fresh
    // scheduler is built on it and then loads its own dict
    const opt2 = optimizer([0.5, 0.5]);
    opt2.loadStateDict(optState);
    const s2 = new lrScheduler.CosineAnnealingLR(opt2, 10, { etaMin: 0.001 });
    s2.loadStateDict(schedState);
    expect(s2.getLastLr()).toEqual(lrs[12]);
    for (let i = 12; i < data.steps; i++) {
      opt2.step();
      s2.step();
      lrs.push(s2.getLastLr());
    }
    expectLrs(lrs, data.cosineForResume, true);
  });

  it('loads PyTorch-shaped state dicts and ignores PyTorch-only keys', () => {
    const opt = optimizer([0.1, 0.05]);
    const s = new lrScheduler.MultiStepLR(opt, [2]);
    s.loadStateDict({ milestones: { 3: 1, 8: 2 }, gamma: 0.3, base_lrs: [0.1, 0.05], last_epoch: 7, _step_count: 8, _last_lr: [0.03, 0.015], verbose: false, _get_lr_called_within_step: false });
    expect(s.getLastLr()).toEqual([0.03, 0.015]);
    expect(s.lastEpoch).toBe(7);
    expect([...s.milestones]).toEqual([[3, 1], [8, 2]]);
    opt.paramGroups.forEach((g) => (g.lr = g.lr * 0.3)); // what the saved run's lr was
    s.step();
    expect(s.getLastLr()).toEqual([0.1 * 0.3 * 0.3 ** 2, 0.05 * 0.3 * 0.3 ** 2]);
  });
});

describe('scheduler errors', () => {
  it('needs an Optimizer', () => {
    expect(() => new lrScheduler.StepLR({} as never, 3)).toThrow('Object is not an Optimizer');
    expect(() => new lrScheduler.StepLR({} as never, 3)).toThrow(ArgumentError);
  });

  it('needs initialLr on every group to resume', () => {
    const opt = optimizer([0.1, 0.05]);
    expect(() => new lrScheduler.StepLR(opt, 3, { lastEpoch: 4 })).toThrow("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer");
  });

  it("checks LinearLR's factors with PyTorch's messages, before touching the optimizer", () => {
    const opt = optimizer([0.1, 0.05]);
    expect(() => new lrScheduler.LinearLR(opt, { startFactor: 1.5 })).toThrow('Starting multiplicative factor expected to be between 0 and 1.');
    expect(() => new lrScheduler.LinearLR(opt, { endFactor: -0.1 })).toThrow('Ending multiplicative factor expected to be between 0 and 1.');
    expect(opt.paramGroups[0].initialLr).toBeUndefined();
    expect(opt.paramGroups[0].lr).toBe(0.1);
  });

  it('rejects step sizes and periods that are not positive integers', () => {
    const opt = optimizer([0.1, 0.05]);
    expect(() => new lrScheduler.StepLR(opt, 0)).toThrow(ArgumentError);
    expect(() => new lrScheduler.CosineAnnealingLR(opt, 2.5)).toThrow(/positive integer/);
    expect(() => new lrScheduler.MultiStepLR(opt, [1.5])).toThrow(/integers/);
    expect(() => new lrScheduler.ExponentialLR(opt, 'x' as never)).toThrow(/must be a number/);
  });

  it('loadStateDict checks every value before changing anything', () => {
    const opt = optimizer([0.1, 0.05]);
    const s = new lrScheduler.StepLR(opt, 3);
    const before = s.stateDict();
    expect(() => s.loadStateDict({ last_epoch: 5, step_size: 0 })).toThrow(ArgumentError);
    expect(() => s.loadStateDict({ last_epoch: 5, base_lrs: [0.1, 'x'] })).toThrow(/array of numbers/);
    expect(s.stateDict()).toEqual(before);
  });
});
