import { describe, expect, it } from 'vitest';
import { casesOf, PRESETS } from '../src/plan.js';
import { deriveResults, gradOffRatios, medianOf, peerRatios, ratio } from '../src/results.js';
import { result } from './fixtures.js';

describe('ratios', () => {
  it('refuses quotients that mean nothing', () => {
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(1, -5)).toBeNull(); // negative growth of the reference is GC noise, not a base
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(2, undefined)).toBeNull();
    expect(ratio(NaN, 2)).toBeNull();
  });

  it('pairs every grad-off mode with grad on, per library and case', () => {
    const rs = [
      result('torchlet', 'seed-loop/forward/grad', 4, { processBytes: 400, tensorBytes: 8 }),
      result('torchlet', 'seed-loop/forward/noGrad', 1, { processBytes: 100, tensorBytes: 4 }),
      result('torchlet', 'seed-loop/forward/inferenceMode', 2, { processBytes: -20, tensorBytes: 4 }),
      result('pytorch', 'seed-loop/forward/noGrad', 3),
      result('torchlet', 'seed-loop/backward/grad', 9),
    ];
    const g = gradOffRatios(rs);
    expect(g.map((x) => [x.library, x.mode])).toEqual([['torchlet', 'noGrad'], ['torchlet', 'inferenceMode']]);
    expect(g[0]).toMatchObject({ time: 0.25, processBytes: 0.25, tensorBytes: 0.5, phase: 'forward' });
    expect(g[1].processBytes).toBe(-0.05);
  });

  it('divides each peer by torchlet on the same case, marking derived figures', () => {
    const tfjs = result('tfjs-cpu', 'seed-loop/forward/noGrad', 6);
    const derived = { ...result('tfjs-cpu', 'seed-loop/backward/grad', 0), timing: null, derived: { medianMs: 4, formula: 'f' } };
    const p = peerRatios([result('torchlet', 'seed-loop/forward/noGrad', 2), result('torchlet', 'seed-loop/backward/grad', 8), tfjs, derived, result('pytorch', 'matmul-128/forward/grad', 1)]);
    expect(p).toEqual([
      { caseId: 'seed-loop/forward/noGrad', library: 'tfjs-cpu', time: 3, derived: false },
      { caseId: 'seed-loop/backward/grad', library: 'tfjs-cpu', time: 0.5, derived: true },
    ]);
    expect(medianOf(derived)).toBe(4);
  });

  it('derives tfjs backward as forward+backward minus forward', () => {
    const cases = casesOf('seed-loop', PRESETS.quick).filter((c) => c.phase === 'backward');
    const [d] = deriveResults('tfjs-wasm', cases, [result('tfjs-wasm', 'seed-loop/forward+backward/grad', 10), result('tfjs-wasm', 'seed-loop/forward/noGrad', 3)]);
    expect(d).toMatchObject({ library: 'tfjs-wasm', caseId: 'seed-loop/backward/grad', timing: null, memory: null });
    expect(d.derived!.medianMs).toBeCloseTo(7);
    expect(d.derived!.formula).toBe('median(seed-loop/forward+backward/grad) − median(seed-loop/forward/noGrad)');
    expect(d.perOpUs).toBeCloseTo(7); // 7 ms over 1,000 ops
    expect(deriveResults('tfjs-wasm', cases, [])).toEqual([]);
  });
});
