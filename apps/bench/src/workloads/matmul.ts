// Workload 4, matrix multiply of two n×n float32 matrices (GFLOP/s = 2n³ / median), with both
// operands requiring grad (the product records MmBackward0 and keeps them), under noGrad, and
// under noGrad with the kernels limited to one thread.
import * as core from '@torchlet/core';
import { noGrad, tensor } from '@torchlet/core';
import { pattern, SEEDS } from '../data.js';
import type { Task, Workload } from './task.js';

export function matmul(): Workload {
  return (c) => {
    if (c.size === null) return null;
    if (c.phase === 'forward, 1 thread') return oneThread(c.size);
    if (c.phase !== 'forward') return null;
    const n = c.size;
    const grad = c.mode === 'grad';
    const a = tensor(pattern(n * n, SEEDS.matA), { shape: [n, n], requiresGrad: grad });
    const b = tensor(pattern(n * n, SEEDS.matB), { shape: [n, n], requiresGrad: grad });
    if (grad) return { run: () => a.matmul(b) };
    if (c.mode === 'noGrad') return { run: () => noGrad(() => a.matmul(b)) };
    return null;
  };
}

/** `getNumThreads`/`setNumThreads` where core has them (they are not in the API contract). */
const threads = core as unknown as { getNumThreads?: () => number; setNumThreads?: (n: number) => void };

function oneThread(n: number): Task | null {
  if (threads.setNumThreads === undefined || threads.getNumThreads === undefined) return null;
  const { getNumThreads, setNumThreads } = threads as Required<typeof threads>;
  const a = tensor(pattern(n * n, SEEDS.matA), { shape: [n, n] });
  const b = tensor(pattern(n * n, SEEDS.matB), { shape: [n, n] });
  return {
    run: () => {
      const previous = getNumThreads();
      setNumThreads(1);
      try {
        return noGrad(() => a.matmul(b));
      } finally {
        setNumThreads(previous);
      }
    },
  };
}
