// torchlet's five workloads, by id.
import type { WorkloadSet } from './task.js';
import { matmul } from './matmul.js';
import { mlpInference } from './mlp-inference.js';
import { regression } from './regression.js';
import { seedLoop } from './seed-loop.js';
import { trainStep } from './train-step.js';

export const torchletWorkloads: WorkloadSet = {
  'seed-loop': seedLoop,
  'mlp-inference': mlpInference,
  'train-step': trainStep,
  matmul,
  regression,
};
