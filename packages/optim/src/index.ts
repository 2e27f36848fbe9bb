// @torchlet/optim: PyTorch's optimizers and learning-rate schedulers. Exports are listed by name.
/**
 * PyTorch's optimizers (`SGD`, `Adam`, `AdamW`, `RMSprop`) and learning-rate schedulers
 * (`lrScheduler`), step for step equal to `torch.optim`.
 * @module @torchlet/optim
 */
export { Optimizer, checkStateTensor, type ParamGroup, type ParamGroupInput, type Params, type GroupDefaults } from './optimizer.js';
export type { OptimizerStateDict, StateDictGroup, StateValue, ParamState } from './state-dict.js';
export { SGD, type SGDOptions, type SGDParamGroup, type SGDState } from './sgd.js';
export { Adam, type AdamOptions, type AdamParamGroup, type AdamState } from './adam.js';
export { AdamW } from './adamw.js';
export { RMSprop, type RMSpropOptions, type RMSpropParamGroup, type RMSpropState } from './rmsprop.js';
/** `torch.optim.lr_scheduler`: `StepLR`, `MultiStepLR`, `ExponentialLR`, `CosineAnnealingLR`, `LinearLR`. */
export * as lrScheduler from './lr-scheduler.js';
