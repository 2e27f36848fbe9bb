// The 784-256-256-10 MLP (Linear + ReLU) shared by the inference and training workloads, with the
// deterministic float32 weights every library uses (data.ts).
import { noGrad, tensor, type Tensor } from '@torchlet/core';
import { Linear, ReLU, Sequential } from '@torchlet/nn';
import { layerInit, pattern, SEEDS } from '../data.js';
import { SHAPES } from '../plan.js';

/** `Sequential(Linear, ReLU, Linear, ReLU, Linear)` with the shared weights; parameters require grad. */
export function buildMlp(): Sequential {
  const dims = SHAPES.mlp;
  const layers: (Linear | ReLU)[] = [];
  for (let k = 0; k < dims.length - 1; k++) {
    const lin = new Linear(dims[k], dims[k + 1]);
    const init = layerInit(k, dims[k], dims[k + 1]);
    noGrad(() => {
      lin.weight.copy_(tensor(init.weight, { shape: [dims[k + 1], dims[k]] }));
      lin.bias!.copy_(tensor(init.bias, { shape: [dims[k + 1]] }));
    });
    layers.push(lin);
    if (k < dims.length - 2) layers.push(new ReLU());
  }
  return new Sequential(...layers);
}

/** A `[batch, 784]` input batch. */
export function mlpInput(batch: number): Tensor {
  return tensor(pattern(batch * SHAPES.mlp[0], SEEDS.input), { shape: [batch, SHAPES.mlp[0]] });
}

/** The fixed `[batch, 10]` regression target of the training step (MSELoss, as in every library). */
export function mlpTarget(batch: number): Tensor {
  const out = SHAPES.mlp[SHAPES.mlp.length - 1];
  return tensor(pattern(batch * out, SEEDS.target), { shape: [batch, out] });
}
