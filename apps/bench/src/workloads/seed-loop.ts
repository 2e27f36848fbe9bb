// Workload 1, the seed loop: `x = x.add(1)` 1,000 times on a scalar, with grad recording on (the
// leaf requires grad), under noGrad and under inferenceMode; then backward through the chain.
import { inferenceMode, noGrad, tensor, type Tensor } from '@torchlet/core';
import { SHAPES } from '../plan.js';
import type { Workload } from './task.js';

function chain(start: Tensor): Tensor {
  let x = start;
  for (let i = 0; i < SHAPES.seedChain; i++) x = x.add(1);
  return x;
}

/** torchlet's seed loop. The leaf is made inside the call, as a user's loop would. */
export function seedLoop(): Workload {
  const leaf = () => tensor(1.0, { requiresGrad: true });
  const plain = tensor(1.0);
  return (c) => {
    if (c.phase === 'forward' && c.mode === 'grad') return { run: () => chain(leaf()) };
    if (c.phase === 'forward' && c.mode === 'noGrad') return { run: () => noGrad(() => chain(leaf())) };
    if (c.phase === 'forward' && c.mode === 'inferenceMode') return { run: () => inferenceMode(() => chain(plain)) };
    if (c.phase === 'forward+backward') return { run: () => chain(leaf()).backward() };
    if (c.phase === 'backward') {
      // A fresh chain is built, untimed, before every timed backward (backward frees the graph).
      let y: Tensor | null = null;
      return { beforeEach: () => void (y = chain(leaf())), run: () => y!.backward() };
    }
    return null;
  };
}
