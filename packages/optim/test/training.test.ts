// End-to-end runs through core's autograd, against PyTorch: the seed regression of the optim
// issue, closure-driven regressions, and optimizers driven by schedulers.
import { afterAll, describe, expect, it } from 'vitest';
import { type Tensor, tensor, zeros } from '@torchlet/core';
import { SGD } from '@torchlet/optim';
import { type FloatDType, type Problem, compareRows, fixture, flat, makeOptimizer, makeParams, makeScheduler, printReport, setGrads } from './helpers.js';

interface ClosureRun {
  optimizer: string;
  options: Record<string, unknown>;
  dtype: FloatDType;
  x: number[];
  y: number[];
  w0: number[];
  losses: number[];
  params: number[][];
}

interface ScheduledRun {
  optimizer: string;
  options: Record<string, unknown>;
  scheduler: string;
  args: unknown[];
  schedulerOptions: Record<string, unknown>;
  dtype: FloatDType;
  trajectory: number[][];
  lrs: number[][];
}

const data = fixture<{
  problem: Problem;
  seedRegression: { weight: number; bias: number; losses: number[] };
  closure: ClosureRun[];
  scheduled: ScheduledRun[];
}>('training.json');

describe('seed regression: Linear(1, 1), MSE, SGD lr 0.01, 100 epochs', () => {
  it("ends at PyTorch's weight ≈ 1.8088 and bias ≈ 0.4346", () => {
    // Linear(1, 1) by hand from core ops: y = x·Wᵀ + b
    const weight = tensor([[0.5]], { requiresGrad: true });
    const bias = tensor([0.0], { requiresGrad: true });
    const x = tensor([[1], [2], [3]]);
    const y = tensor([[2], [4], [6]]);
    const opt = new SGD([weight, bias], { lr: 0.01 });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 100; epoch++) {
      opt.zeroGrad();
      const loss = x.matmul(weight.t()).add(bias).sub(y).pow(2).mean();
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    const { weight: w, bias: b, losses: expected } = data.seedRegression;
    expect(weight.item()).toBeCloseTo(1.8088, 4);
    expect(bias.item()).toBeCloseTo(0.4346, 4);
    // float32 tolerance against PyTorch's exact values (autograd may sum in another order)
    expect(Math.abs(weight.item() - w)).toBeLessThanOrEqual(1e-6 * Math.abs(w));
    expect(Math.abs(bias.item() - b)).toBeLessThanOrEqual(1e-6 * Math.abs(b));
    expect(compareRows([losses], [expected], 'float32', { rtol: 1e-5, atol: 1e-7 }).firstBad).toBeNull();
  });
});

describe('closure-driven regression through autograd', () => {
  for (const run of data.closure) {
    it(`${run.optimizer} ${JSON.stringify(run.options)} ${run.dtype}`, () => {
      const dtype = run.dtype;
      const x = tensor(Float64Array.from(run.x), { shape: [8, 3] }).to(dtype);
      const y = tensor(Float64Array.from(run.y), { shape: [8] }).to(dtype);
      const w = tensor(Float64Array.from(run.w0)).to(dtype).requiresGrad_(true);
      const b = zeros([], { dtype, requiresGrad: true });
      const opt = makeOptimizer(run.optimizer, [w, b], run.options);
      const losses: number[] = [];
      const params: number[][] = [];
      for (let s = 0; s < run.losses.length; s++) {
        const loss = opt.step(() => {
          opt.zeroGrad();
          const l = x.matmul(w).add(b).sub(y).pow(2).mean();
          l.backward();
          return l;
        });
        expect(loss.requiresGrad).toBe(true); // the closure ran with grad mode on
        losses.push(loss.item());
        params.push(flat([w, b]));
      }
      // autograd's sums may round differently from PyTorch's: allow for that, not for a wrong step
      const tol = dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
      expect(compareRows(losses.map((l) => [l]), run.losses.map((l) => [l]), dtype, tol).firstBad).toBeNull();
      expect(compareRows(params, run.params, dtype, tol).firstBad).toBeNull();
    });
  }
});

describe('optimizers driven by a scheduler', () => {
  for (const run of data.scheduled) {
    it(`${run.optimizer} + ${run.scheduler} ${run.dtype}`, () => {
      const params: Tensor[] = makeParams(data.problem, run.dtype);
      const opt = makeOptimizer(run.optimizer, params, run.options);
      const sched = makeScheduler(run.scheduler, opt, run.args, run.schedulerOptions);
      const rows: number[][] = [];
      const lrs: number[][] = [];
      for (let s = 0; s < run.trajectory.length; s++) {
        setGrads(data.problem, params);
        opt.step();
        sched.step();
        rows.push(flat(params));
        lrs.push(sched.getLastLr());
      }
      expect(compareRows(lrs, run.lrs, 'float64', { rtol: 1e-13, atol: 0 }).firstBad).toBeNull();
      expect(compareRows(rows, run.trajectory, run.dtype).firstBad).toBeNull();
    });
  }
});

afterAll(() => printReport('training'));
