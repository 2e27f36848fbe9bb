// @torchlet/nn: PyTorch's torch.nn. Exports are listed by name.
/**
 * PyTorch's `torch.nn` on `@torchlet/core`: `Module`, `Parameter`, layers, losses, and the
 * `functional`, `init` and `utils` namespaces; safetensors weights in and out.
 * @module @torchlet/nn
 */
export { Module, type ForwardHook, type ForwardPreHook, type RemovableHandle } from './module.js';
export { Parameter } from './parameter.js';
export { StateDictError, type SizeMismatch } from './errors.js';
export type { StateDict, StateDictInput, LoadStateDictResult } from './state-dict.js';

// layers
export { Sequential } from './container.js';
export { Linear, Identity } from './linear.js';
export { Flatten } from './flatten.js';
export { ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax } from './activation.js';
export { Dropout } from './dropout.js';
export { LayerNorm, type LayerNormOptions } from './normalization.js';
export { Embedding, type EmbeddingModuleOptions } from './sparse.js';

// losses
export {
  Loss, WeightedLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss,
} from './loss.js';
export type { Reduction } from './internal/checks.js';

// namespaces: torch.nn.functional, torch.nn.init, torch.nn.utils
export * as functional from './functional.js';
export * as init from './init.js';
export * as utils from './utils.js';

// weights in and out
export {
  saveSafetensors, loadSafetensors, readSafetensorsHeader,
  type SafetensorsDType, type SafetensorsEntry, type SafetensorsHeader,
} from './safetensors.js';
