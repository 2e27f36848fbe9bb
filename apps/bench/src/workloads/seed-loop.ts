// Workload 1: the seed loop. `x = x.add(1)` 1,000 times on a scalar, with grad recording on
// (x requires grad), under noGrad, and under inferenceMode; then backward through the chain.
import { inferenceMode, noGrad, tensor, type Tensor } from '@torchlet/core';
import { retained, time, type Retained, type TimeBudget, type Timing } from '../measure.js';

export const CHAIN = 1000;

function chain(start: Tensor): Tensor {
  let x = start;
  for (let i = 0; i < CHAIN; i++) x = x.add(1);
  return x;
}

/** One measured variant of the workload. */
export interface SeedResult {
  variant: string;
  /** Per call of the whole 1,000-op loop (or of one backward). */
  timing: Timing;
  /** Per op, in microseconds (median / CHAIN). */
  perOpUs: number;
  memory: Retained | null;
}

/** Runs the seed-loop workload. */
export async function seedLoop(budget: TimeBudget): Promise<SeedResult[]> {
  const leaf = () => tensor(1.0, { requiresGrad: true });
  const plain = tensor(1.0);
  const results: SeedResult[] = [];
  const forward: [string, () => Tensor][] = [
    ['forward, grad recording', () => chain(leaf())],
    ['forward, noGrad', () => noGrad(() => chain(leaf()))],
    ['forward, inferenceMode', () => inferenceMode(() => chain(plain))],
  ];
  for (const [variant, run] of forward) {
    const timing = await time(variant, run, budget);
    results.push({ variant, timing, perOpUs: (timing.median * 1000) / CHAIN, memory: await retained(run) });
  }
  let y: Tensor | null = null;
  const timing = await time('backward through the chain', () => y!.backward(), budget, () => {
    y = chain(leaf());
  });
  results.push({ variant: 'backward through the chain', timing, perOpUs: (timing.median * 1000) / CHAIN, memory: null });
  return results;
}
