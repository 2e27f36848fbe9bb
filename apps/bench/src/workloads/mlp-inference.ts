// Workload 2, MLP inference: 784-256-256-10, batch 64, float32, forward only, with the
// parameters requiring grad (recording on), under noGrad and under inferenceMode.
import { inferenceMode, noGrad } from '@torchlet/core';
import { SHAPES } from '../plan.js';
import { buildMlp, mlpInput } from './mlp.js';
import type { Workload } from './task.js';

export function mlpInference(): Workload {
  const model = buildMlp();
  const x = mlpInput(SHAPES.inferenceBatch);
  return (c) => {
    if (c.phase !== 'forward') return null;
    if (c.mode === 'grad') return { run: () => model.forward(x) };
    if (c.mode === 'noGrad') return { run: () => noGrad(() => model.forward(x)) };
    return { run: () => inferenceMode(() => model.forward(x)) };
  };
}
