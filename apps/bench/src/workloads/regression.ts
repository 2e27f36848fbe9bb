// Workload 5, the seed regression of examples/seed-training-loop.ts: Linear(1, 1), SGD (lr 0.01),
// MSELoss, 100 full-batch epochs on x = 1, 2, 3 and y = 2x from w = 0.5, b = 0. Every call starts
// from those weights (reset untimed), so every library's last loss must agree (PyTorch prints
// 0.0272 at epoch 100); forward + loss is also timed with grad on and off.
import { noGrad, tensor } from '@torchlet/core';
import { Linear, MSELoss } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { regressionData } from '../data.js';
import { SHAPES } from '../plan.js';
import type { Workload } from './task.js';

export function regression(): Workload {
  const cfg = SHAPES.regression;
  const data = regressionData(cfg.points, cfg.slope, cfg.intercept);
  const x = tensor(data.x, { shape: [cfg.points, 1] });
  const y = tensor(data.y, { shape: [cfg.points, 1] });
  const model = new Linear(1, 1);
  const lossFn = new MSELoss();
  const optimizer = new SGD(model.parameters(), { lr: cfg.lr });
  const reset = () =>
    noGrad(() => {
      model.weight.fill_(cfg.initWeight);
      model.bias!.fill_(cfg.initBias);
    });
  const train = () => {
    let loss = null;
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      optimizer.zeroGrad();
      loss = lossFn.forward(model.forward(x), y);
      loss.backward();
      optimizer.step();
    }
    return loss!;
  };
  const forwardLoss = () => lossFn.forward(model.forward(x), y);
  return (c) => {
    if (c.phase === 'train') return { beforeEach: reset, run: train, check: () => (reset(), train().item()) };
    if (c.phase !== 'forward+loss') return null;
    reset();
    if (c.mode === 'grad') return { run: forwardLoss };
    if (c.mode === 'noGrad') return { run: () => noGrad(forwardLoss) };
    return null;
  };
}
