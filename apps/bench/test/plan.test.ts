import { describe, expect, it } from 'vitest';
import { casesOf, planCases, PRESETS, selectWorkloads, support, WORKLOADS } from '../src/plan.js';

describe('the plan', () => {
  it('selects workloads by name or prefix, in the fixed order', () => {
    expect(selectWorkloads(null)).toEqual([...WORKLOADS]);
    expect(selectWorkloads('matmul,seed')).toEqual(['seed-loop', 'matmul']);
    expect(selectWorkloads(' train-step , ')).toEqual(['train-step']);
    expect(() => selectWorkloads('x')).toThrow('no workload matches "x"');
  });

  it('has grad on and off for every workload, and inferenceMode where it applies', () => {
    const ids = planCases(WORKLOADS, PRESETS.quick).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([
      'seed-loop/forward/grad', 'seed-loop/forward/noGrad', 'seed-loop/forward/inferenceMode', 'seed-loop/backward/grad',
      'mlp-inference/forward/grad', 'mlp-inference/forward/noGrad', 'mlp-inference/forward/inferenceMode',
      'train-step/step/grad', 'train-step/forward+loss/grad', 'train-step/forward+loss/noGrad',
      'matmul-128/forward/grad', 'matmul-512/forward/noGrad', 'matmul-1024/forward/noGrad',
      'regression/train/grad', 'regression/forward+loss/noGrad',
    ]));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives matmul its flop count and the seed loop its op count', () => {
    const [mm] = casesOf('matmul', PRESETS.quick);
    expect(mm.flops).toBe(2 * 128 ** 3);
    expect(casesOf('seed-loop', PRESETS.quick)[0].opsPerCall).toBe(1000);
  });

  it('measures memory only where an output outlives the call, capped by the preset', () => {
    const cases = planCases(WORKLOADS, PRESETS.quick);
    expect(cases.filter((c) => c.memoryCopies > 0).every((c) => c.phase === 'forward' || c.phase === 'forward+loss')).toBe(true);
    expect(cases.find((c) => c.id === 'matmul-1024/forward/grad')!.memoryCopies).toBe(2);
    expect(Math.max(...planCases(WORKLOADS, PRESETS.smoke).map((c) => c.memoryCopies))).toBe(PRESETS.smoke.maxCopies);
  });

  it('lets tfjs run only its no-grad forward and derive backward', () => {
    const c = (id: string) => planCases(WORKLOADS, PRESETS.quick).find((x) => x.id === id)!;
    expect(support('tfjs-cpu', c('seed-loop/forward/grad'))).toBeNull();
    expect(support('tfjs-cpu', c('seed-loop/forward/noGrad'))).toBe('measured');
    expect(support('tfjs-wasm', c('seed-loop/forward/inferenceMode'))).toBeNull();
    expect(support('tfjs-wasm', c('seed-loop/backward/grad'))).toBe('derived');
    expect(support('tfjs-cpu', c('train-step/step/grad'))).toBe('measured');
    expect(support('pytorch', c('seed-loop/backward/grad'))).toBe('measured');
  });
});
