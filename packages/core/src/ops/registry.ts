// Every backward rule, by PyTorch grad_fn name. `GradFnName` is the union of all of them, and
// the gradcheck test walks `gradFnNames` so an op added without a gradcheck case fails CI.
import { elementwiseRules } from './elementwise.js';
import { indexRules } from './index-ops.js';
import { linearRules } from './linear.js';
import { inPlaceRules } from './inplace.js';
import { matmulRules } from './matmul.js';
import { movementRules } from './movement.js';
import { nnRules } from './nn-ops.js';
import { reduceRules } from './reduce.js';

const all = {
  ...elementwiseRules,
  ...reduceRules,
  ...movementRules,
  ...matmulRules,
  ...linearRules,
  ...nnRules,
  ...indexRules,
  ...inPlaceRules,
};

/** PyTorch's name of every backward function torchlet records. */
export type GradFnName = keyof typeof all | 'AccumulateGrad';

/** The names of all backward rules (without AccumulateGrad). */
export const gradFnNames: readonly GradFnName[] = Object.keys(all) as GradFnName[];
