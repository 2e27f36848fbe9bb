// Workload 4, matrix multiply of two n×n float32 matrices (GFLOP/s = 2n³ / median), with both
// operands requiring grad (the product records MmBackward0 and keeps them) and under noGrad.
import { noGrad, tensor } from '@torchlet/core';
import { pattern, SEEDS } from '../data.js';
import type { Workload } from './task.js';

export function matmul(): Workload {
  return (c) => {
    if (c.phase !== 'forward' || c.size === null) return null;
    const n = c.size;
    const grad = c.mode === 'grad';
    const a = tensor(pattern(n * n, SEEDS.matA), { shape: [n, n], requiresGrad: grad });
    const b = tensor(pattern(n * n, SEEDS.matB), { shape: [n, n], requiresGrad: grad });
    if (grad) return { run: () => a.matmul(b) };
    if (c.mode === 'noGrad') return { run: () => noGrad(() => a.matmul(b)) };
    return null;
  };
}
