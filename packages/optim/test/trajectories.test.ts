// Every optimizer option combination that changes the update, in float32 and float64, against
// PyTorch 1.13's trajectories on the fixture problem (scripts/fixtures/optim.py).
import { afterAll, describe, expect, it } from 'vitest';
import { type FloatDType, type GroupSpec, type Problem, compareRows, fixture, flat, makeOptimizer, makeParams, printReport, setGrads } from './helpers.js';

interface TrajectoryCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  groups?: GroupSpec[] | null;
  noGrad?: number[];
  dtype: FloatDType;
  trajectory: number[][];
}

const data = fixture<{ problem: Problem; steps: number; cases: TrajectoryCase[] }>('trajectories.json');

function run(c: TrajectoryCase, options = c.options): number[][] {
  const params = makeParams(data.problem, c.dtype);
  const opt = makeOptimizer(c.optimizer, params, options, c.groups);
  const rows: number[][] = [];
  for (let s = 0; s < c.trajectory.length; s++) {
    setGrads(data.problem, params, c.noGrad ?? []);
    opt.step();
    rows.push(flat(params));
  }
  return rows;
}

describe('optimizer trajectories match PyTorch', () => {
  it('covers every optimizer in both dtypes', () => {
    const names = new Set(data.cases.map((c) => `${c.optimizer} ${c.dtype}`));
    for (const o of ['SGD', 'Adam', 'AdamW', 'RMSprop']) for (const d of ['float32', 'float64']) expect(names.has(`${o} ${d}`)).toBe(true);
    expect(data.steps).toBeGreaterThanOrEqual(20);
  });

  for (const c of data.cases) {
    it(c.name, () => {
      const agreement = compareRows(run(c), c.trajectory, c.dtype);
      expect(agreement.firstBad).toBeNull();
    });
  }

  // The tolerance is tight enough to catch a wrong update: perturbing one hyper-parameter by
  // 1e-4 relative (far less than any real bug) already breaks the match.
  it.each([
    ['SGD momentum float32', { momentum: 0.9 * (1 + 1e-4) }],
    ['SGD nesterov float64', { lr: 0.05 * (1 + 1e-4) }],
    ['Adam amsgrad float32', { betas: [0.8, 0.9 * (1 + 1e-4)] }],
    ['AdamW lr 0.05 (weight decay 1e-2) float64', { weightDecay: 0.01 * (1 + 1e-4) }],
    ['RMSprop centered + momentum float32', { alpha: 0.99 * (1 + 1e-5) }],
  ])('detects a perturbed option: %s', (name, change) => {
    const c = data.cases.find((x) => x.name === name)!;
    expect(c).toBeDefined();
    const agreement = compareRows(run(c, { ...c.options, ...change }), c.trajectory, c.dtype, undefined, false);
    expect(agreement.firstBad).not.toBeNull();
  });
});

afterAll(() => printReport('trajectories'));
