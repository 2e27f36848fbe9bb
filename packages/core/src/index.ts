// @torchlet/core: PyTorch's tensors, autograd and grad mode. Exports are listed by name.
/**
 * PyTorch's tensors, reverse-mode autograd and grad mode: `Tensor`, creation functions, ops,
 * `noGrad`/`enableGrad`/`setGradEnabled`/`inferenceMode`, `autograd.grad` and seeding.
 * @module @torchlet/core
 */
export { Tensor, type TensorOrScalar } from './tensor.js';
export type { DType, TypedArray } from './dtype.js';
export {
  TorchletError, ShapeError, DimError, DTypeError, ArgumentError, AutogradError, GradModeError,
} from './errors.js';

// creation and random numbers
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, rand, randn, randLike, randnLike,
  randint, randperm, emptyTensor as empty, type TensorOptions, type NestedArray,
} from './creation.js';
export { manualSeed, initialSeed } from './random.js';

// grad mode
export {
  isGradEnabled, noGrad, enableGrad, setGradEnabled, inferenceMode, isInferenceModeEnabled, type ScopeWrapper,
} from './autograd/grad-mode.js';

// ops as functions (torch.X)
export {
  add, sub, rsub, mul, div, pow, neg, exp, expm1, log, log1p, sqrt, abs, relu, sigmoid, tanh, reciprocal, sin, cos, square, sign,
  clamp, maximum, minimum, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalNot, isnan, isfinite, where, maskedFill,
} from './ops/elementwise.js';
export { sum, mean, amax, amin, max, min, argmax, argmin, variance, std, logsumexp, norm } from './ops/reduce.js';
export {
  reshape, view, transpose, permute, t, unsqueeze, squeeze, expand, flatten, contiguous, clone, detach, narrow, select, split, chunk, cat, stack,
} from './ops/movement.js';
export { gather, scatterAdd, indexSelect, indexAdd } from './ops/index-ops.js';
export { matmul } from './ops/matmul.js';
export { linear, linearRelu } from './ops/linear.js';
export { softmax, logSoftmax } from './ops/nn-ops.js';
export { gradFnNames, type GradFnName } from './ops/registry.js';

// autograd
export { Node, AccumulateGrad, type GradHook } from './autograd/node.js';
export type { BackwardOptions, GradOptions } from './autograd/functional.js';
import { grad } from './autograd/functional.js';
import { detectAnomaly, setDetectAnomaly, anomalyEnabled } from './autograd/anomaly.js';
/** `torch.autograd`: gradients as return values, and anomaly detection. */
export const autograd = {
  /** Gradients of `outputs` with respect to `inputs`, returned rather than accumulated into `.grad` (`torch.autograd.grad`). */
  grad,
  /** Runs `fn` with anomaly detection on and restores the previous setting (`torch.autograd.detect_anomaly`). */
  detectAnomaly,
  /** Turns anomaly detection on or off (`torch.autograd.set_detect_anomaly`). */
  setDetectAnomaly,
  /** Whether anomaly detection is on (`torch.is_anomaly_enabled`). */
  isAnomalyEnabled: anomalyEnabled,
};

// runtime
export { getBackend, setBackend, listBackends, initBackend } from './backend/registry.js';
export { setNumThreads, getNumThreads } from './backend/wasm/index.js';
export type { Backend } from './backend/backend.js';
export { memoryStats, setMemoryTracking, type MemoryStats } from './storage.js';
export { setPrintOptions, getPrintOptions, type PrintOptions } from './print.js';
