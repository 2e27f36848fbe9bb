// Adam (Kingma & Ba) with amsgrad, weight decay and maximize: PyTorch 1.13's torch.optim.Adam,
// single-tensor code path, op for op. `adamStep` is shared with AdamW, which differs only in how
// weight decay is applied.
import { ArgumentError, Tensor, tensor, zerosLike } from '@torchlet/core';
import { addScaled, addScaled_, addcdiv_, addcmul_ } from './fused.js';
import { pow } from './math.js';
import { type ParamGroup, type Params, Optimizer, checkStateTensor } from './optimizer.js';
import type { ParamState } from './state-dict.js';
import { checkBetas, checkBoolean, checkNonNegative, describeValue } from './validate.js';

/** Options of `Adam` (and `AdamW`), with PyTorch's defaults. */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps?: number;
  /** Weight decay: an L2 penalty for Adam (default 0), decoupled decay for AdamW (default 1e-2). */
  weightDecay?: number;
  /** Use the AMSGrad variant, normalizing by the running maximum of the second moment (default false). */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** A parameter group of `Adam`/`AdamW`, with every option resolved. */
export interface AdamParamGroup extends ParamGroup {
  /** Decay rates (β1, β2) of the first and second moment estimates. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** Weight decay: an L2 penalty for `Adam`, decoupled for `AdamW`. */
  weightDecay: number;
  /** Use the AMSGrad variant (keeps the maximum of the second moment). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

/** Adam's per-parameter state, PyTorch's: a float32 scalar step count and the moment estimates. */
export interface AdamState extends ParamState {
  /** Steps taken, as a zero-dim float32 tensor (PyTorch keeps it a tensor and never casts it). */
  step: Tensor;
  /** Running average of the gradient. */
  expAvg: Tensor;
  /** Running average of the squared gradient. */
  expAvgSq: Tensor;
  /** Running maximum of `expAvgSq` (amsgrad only). */
  maxExpAvgSq?: Tensor;
}

/**
 * The Adam family: Adam and AdamW share options, state and the update (`adamStep`); they differ
 * only in how weight decay is applied (`decoupled`) and in its default. @internal
 */
export abstract class AdamFamily extends Optimizer<AdamParamGroup, AdamState> {
  /** The optimizer's PyTorch name, for messages. */
  protected abstract readonly label: 'Adam' | 'AdamW';
  /** AdamW's decoupled weight decay (true) or Adam's L2 penalty on the gradient (false). */
  protected abstract readonly decoupled: boolean;

  protected checkOptions(group: AdamParamGroup): void {
    checkAdamOptions(group);
  }

  protected checkState(param: Tensor, state: AdamState, group: AdamParamGroup): void {
    checkAdamState(this.label, param, state, group);
  }

  protected override adaptLoadedState(state: ParamState): ParamState {
    return adaptAdamState(state);
  }

  protected updateGroup(group: AdamParamGroup): void {
    for (const param of group.params) if (param.grad !== null) adamStep(param, param.grad, this.state, group, this.decoupled);
  }
}

/**
 * Adam (`torch.optim.Adam`): m ← β₁m + (1-β₁)g, v ← β₂v + (1-β₂)g², and
 * θ ← θ - lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + ε), with `weightDecay` added to the gradient as an
 * L2 penalty and, with `amsgrad`, v replaced by its running maximum in the denominator.
 *
 * @example
 * const opt = new Adam([w], { lr: 1e-2, amsgrad: true });
 */
export class Adam extends AdamFamily {
  protected readonly label = 'Adam';
  protected readonly decoupled = false;

  /**
   * @param params tensors to optimize, or groups `{ params, ...options }` that override the options
   * @param options `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (0), `amsgrad`, `maximize`
   */
  constructor(params: Params<AdamParamGroup>, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 0));
  }
}

/** Resolves Adam/AdamW options against PyTorch's defaults and checks them in PyTorch's order. @internal */
export function adamDefaults(options: AdamOptions, defaultWeightDecay: number): Omit<AdamParamGroup, 'params'> {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = defaultWeightDecay, amsgrad = false, maximize = false } = options;
  const defaults = { lr, betas: (Array.isArray(betas) ? [...betas] : betas) as [number, number], eps, weightDecay, amsgrad, maximize };
  checkAdamOptions(defaults);
  return defaults;
}

/** PyTorch's checks of Adam's options, in its order (lr, eps, betas, weight decay). @internal */
export function checkAdamOptions(group: Omit<AdamParamGroup, 'params'>): void {
  checkNonNegative(group.lr, 'lr', 'Invalid learning rate');
  checkNonNegative(group.eps, 'eps', 'Invalid epsilon value');
  checkBetas(group.betas);
  checkNonNegative(group.weightDecay, 'weightDecay', 'Invalid weight_decay value');
  checkBoolean(group.amsgrad, 'amsgrad');
  checkBoolean(group.maximize, 'maximize');
}

/** Checks a non-empty Adam/AdamW state entry holds what the update reads. @internal */
export function checkAdamState(owner: string, param: Tensor, state: AdamState, group: AdamParamGroup): void {
  if (Object.keys(state).length === 0) return;
  const step = state.step as unknown;
  if (!(step instanceof Tensor && step.numel() === 1)) {
    throw new ArgumentError(`${owner}: state 'step' must be a one-element Tensor, got ${describeValue(step)}`);
  }
  const check = (key: string) => checkStateTensor(owner, param, state, key);
  check('expAvg');
  check('expAvgSq');
  // switching amsgrad on after some steps: PyTorch fails with KeyError 'max_exp_avg_sq' mid-step
  if (group.amsgrad) check('maxExpAvgSq');
}

/** A `step` saved as a number (PyTorch before 1.12) becomes a float32 tensor, as Adam's __setstate__ does. @internal */
export function adaptAdamState(state: ParamState): ParamState {
  if (typeof state.step === 'number') return { ...state, step: tensor(state.step) };
  return state;
}

/**
 * One Adam/AdamW update of `param`, PyTorch's `_single_tensor_adam(w)` body. Creates the state
 * on the first step. `decoupled` selects AdamW's weight decay (θ ← θ·(1 - lr·λ) before the
 * moments) instead of Adam's L2 term (g ← g + λθ after the step count).
 * @internal
 */
export function adamStep(param: Tensor, rawGrad: Tensor, states: Map<Tensor, AdamState>, group: AdamParamGroup, decoupled: boolean): void {
  const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
  let state = states.get(param);
  if (state === undefined || Object.keys(state).length === 0) {
    state = { step: tensor(0), expAvg: zerosLike(param), expAvgSq: zerosLike(param) };
    if (amsgrad) state.maxExpAvgSq = zerosLike(param);
    states.set(param, state);
  }
  const { expAvg, expAvgSq } = state;
  let grad = maximize ? rawGrad.neg() : rawGrad;
  state.step.add_(1);
  if (decoupled) {
    param.mul_(1 - lr * weightDecay);
  } else if (weightDecay !== 0) {
    grad = addScaled(grad, param, weightDecay);
  }
  expAvg.mul_(beta1);
  addScaled_(expAvg, grad, 1 - beta1);
  expAvgSq.mul_(beta2);
  addcmul_(expAvgSq, grad, grad, 1 - beta2);

  // Python floats from here: the bias corrections are computed in double precision, then the
  // tensor ops round them to the parameter's dtype
  const step = state.step.item();
  const biasCorrection1 = 1 - pow(beta1, step);
  const biasCorrection2 = 1 - pow(beta2, step);
  const stepSize = lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  let second = expAvgSq;
  if (amsgrad) {
    const max = state.maxExpAvgSq!;
    max.copy_(max.maximum(expAvgSq));
    second = max;
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add_(eps);
  addcdiv_(param, expAvg, denom, -stepSize);
}
