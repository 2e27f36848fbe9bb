import { describe, expect, it } from 'vitest';
import { rotation, roundBudget } from '../src/measure.js';
import { comparisonGroups, planCases, PRESETS, WORKLOADS } from '../src/plan.js';

describe('interleaved rounds', () => {
  it('splits the budget, keeps the warm-up for the first round and at least one sample per round', () => {
    const b = { warmupMs: 200, warmupSamples: 2, timeMs: 1000, minSamples: 5, rounds: 4 };
    expect(roundBudget(b, 0)).toEqual({ warmupMs: 200, warmupSamples: 2, timeMs: 250, minSamples: 2 });
    expect(roundBudget(b, 3)).toEqual({ warmupMs: 0, warmupSamples: 0, timeMs: 250, minSamples: 2 });
    expect(roundBudget({ ...b, minSamples: 1 }, 1).minSamples).toBe(1);
  });

  it('rotates which mode goes first', () => {
    expect([0, 1, 2, 3].map((r) => rotation(3, r))).toEqual([[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 2]]);
    expect(rotation(1, 5)).toEqual([0]);
  });

  it('groups the grad modes of one workload, size and phase, in plan order', () => {
    const groups = comparisonGroups(planCases(WORKLOADS, PRESETS.quick)).map((g) => g.map((c) => c.id));
    expect(groups[0]).toEqual(['seed-loop/forward/grad', 'seed-loop/forward/noGrad', 'seed-loop/forward/inferenceMode']);
    expect(groups[1]).toEqual(['seed-loop/backward/grad']);
    expect(groups).toContainEqual(['matmul-512/forward/grad', 'matmul-512/forward/noGrad']);
    expect(groups.flat()).toHaveLength(planCases(WORKLOADS, PRESETS.quick).length);
  });
});
