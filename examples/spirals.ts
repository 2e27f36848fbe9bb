// An MLP classifier on two interleaved spirals (made here, seeded): trained with Adam and
// CrossEntropyLoss, evaluated under noGrad, saved to .safetensors and loaded back.
// Run: npx tsx examples/spirals.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arange, cat, manualSeed, noGrad, randn, type Tensor } from '@torchlet/core';
import { CrossEntropyLoss, Linear, ReLU, Sequential } from '@torchlet/nn';
import { loadSafetensorsFile, saveSafetensorsFile } from '@torchlet/nn/node';
import { Adam } from '@torchlet/optim';

/** `n` points per class on two spirals winding 1.5 turns, with Gaussian noise. */
function twoSpirals(n: number): { x: Tensor; labels: Tensor } {
  const t = arange(n, undefined, 1, { dtype: 'float32' }).div(n).mul(3 * Math.PI).add(0.5); // angle
  const r = t.div(3 * Math.PI + 0.5);
  const a = cat([r.mul(t.cos()).unsqueeze(1), r.mul(t.sin()).unsqueeze(1)], 1);
  const x = cat([a, a.neg()], 0).add(randn([2 * n, 2]).mul(0.04));
  const labels = cat([arange(n).mul(0), arange(n).mul(0).add(1)]);
  return { x, labels };
}

function mlp(): Sequential {
  return new Sequential(new Linear(2, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 2));
}

function accuracy(model: Sequential, x: Tensor, labels: Tensor): number {
  return noGrad(() => model.forward(x).argmax(1).eq(labels).float().mean().item());
}

manualSeed(0);
const { x, labels } = twoSpirals(200);
const model = mlp();
const optimizer = new Adam(model.parameters(), { lr: 0.01 });
const lossFn = new CrossEntropyLoss();
let loss = 0;
for (let step = 1; step <= 600; step++) {
  optimizer.zeroGrad();
  const l = lossFn.forward(model.forward(x), labels);
  l.backward();
  optimizer.step();
  loss = l.item();
  if (step % 200 === 0) console.log(`step ${step}: loss ${loss.toFixed(4)}, accuracy ${(accuracy(model, x, labels) * 100).toFixed(1)}%`);
}
const acc = accuracy(model, x, labels);
console.log(`final accuracy ${(acc * 100).toFixed(1)}%`);

// Weights out and back in: the format PyTorch users exchange weights in.
const file = join(mkdtempSync(join(tmpdir(), 'torchlet-spirals-')), 'spirals.safetensors');
await saveSafetensorsFile(file, model.stateDict());
const restored = mlp();
restored.loadStateDict(await loadSafetensorsFile(file));
const same = noGrad(() => model.forward(x).eq(restored.forward(x)).logicalNot().sum().item() === 0);
console.log(`reloaded from ${file.endsWith('.safetensors') ? 'spirals.safetensors' : file}: identical outputs ${same}, accuracy ${(accuracy(restored, x, labels) * 100).toFixed(1)}%`);
