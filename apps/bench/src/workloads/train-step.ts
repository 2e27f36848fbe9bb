// Workload 3, a training step of the MLP at batch 128: zeroGrad, forward, MSELoss against a fixed
// target, backward, SGD step. The grad on/off comparison is on forward + loss, the part of a step
// that can run without grad (an evaluation pass), and the memory is what the loss's graph retains.
import { noGrad } from '@torchlet/core';
import { MSELoss } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { SHAPES } from '../plan.js';
import { buildMlp, mlpInput, mlpTarget } from './mlp.js';
import type { Workload } from './task.js';

export function trainStep(): Workload {
  const model = buildMlp();
  const x = mlpInput(SHAPES.trainBatch);
  const target = mlpTarget(SHAPES.trainBatch);
  const lossFn = new MSELoss();
  const optimizer = new SGD(model.parameters(), { lr: SHAPES.trainLr });
  const forwardLoss = () => lossFn.forward(model.forward(x), target);
  return (c) => {
    if (c.phase === 'step') {
      return {
        run: () => {
          optimizer.zeroGrad();
          const loss = forwardLoss();
          loss.backward();
          optimizer.step();
          return loss;
        },
      };
    }
    if (c.phase !== 'forward+loss') return null;
    if (c.mode === 'grad') return { run: forwardLoss };
    if (c.mode === 'noGrad') return { run: () => noGrad(forwardLoss) };
    return null;
  };
}
