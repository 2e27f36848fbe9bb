// The bench's MLP (apps/bench/src/workloads/mlp.ts): 784-256-256-10, Linear + ReLU, float32,
// with the same deterministic weights and data (`scale · sin(0.7·i + seed)`, bound 1/√in).
import { noGrad, tensor, type Tensor } from '@torchlet/core';
import { Linear, ReLU, Sequential } from '@torchlet/nn';

export const DIMS = [784, 256, 256, 10] as const;

/** `scale · sin(0.7·i + seed)` for i = 0..n−1, rounded to float32 (apps/bench/src/data.ts). */
export function pattern(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * Math.sin(0.7 * i + seed);
  return out;
}

/** `Sequential(Linear, ReLU, Linear, ReLU, Linear)` with the bench's weights. */
export function buildMlp(dims: readonly number[] = DIMS): Sequential {
  const layers: (Linear | ReLU)[] = [];
  for (let k = 0; k < dims.length - 1; k++) {
    const lin = new Linear(dims[k], dims[k + 1]);
    const bound = 1 / Math.sqrt(dims[k]);
    noGrad(() => {
      lin.weight.copy_(tensor(pattern(dims[k + 1] * dims[k], 10 + 2 * k, bound), { shape: [dims[k + 1], dims[k]] }));
      lin.bias!.copy_(tensor(pattern(dims[k + 1], 11 + 2 * k, bound), { shape: [dims[k + 1]] }));
    });
    layers.push(lin);
    if (k < dims.length - 2) layers.push(new ReLU());
  }
  return new Sequential(...layers);
}

/** A `[batch, dims[0]]` input and `[batch, dims.at(-1)]` target, as the bench's (seeds 1 and 2). */
export function batchOf(batch: number, dims: readonly number[] = DIMS, offset = 0): { x: Tensor; target: Tensor } {
  return {
    x: tensor(pattern(batch * dims[0], 1 + offset), { shape: [batch, dims[0]] }),
    target: tensor(pattern(batch * dims[dims.length - 1], 2 + offset), { shape: [batch, dims[dims.length - 1]] }),
  };
}
