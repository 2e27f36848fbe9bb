// RMSprop (Hinton) with centering, momentum, weight decay and maximize: PyTorch 1.13's
// torch.optim.RMSprop, single-tensor code path, op for op.
import { ArgumentError, Tensor, zerosLike } from '@torchlet/core';
import { addScaled, addScaled_, addcdiv_, addcmul, addcmul_ } from './fused.js';
import { type ParamGroup, type Params, Optimizer, checkStateTensor } from './optimizer.js';
import type { ParamState } from './state-dict.js';
import { checkBoolean, checkNonNegative, describeValue } from './validate.js';

/** Options of `RMSprop`, with PyTorch's defaults. */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment (default false). */
  centered?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** A parameter group of `RMSprop`, with every option resolved. */
export interface RMSpropParamGroup extends ParamGroup {
  /** Smoothing constant of the squared-gradient average. */
  alpha: number;
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Momentum factor (0: none). */
  momentum: number;
  /** Normalize by the estimated variance of the gradient instead of its second moment. */
  centered: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

/** RMSprop's per-parameter state, PyTorch's: the step count is a plain number here. */
export interface RMSpropState extends ParamState {
  /** Steps taken. */
  step: number;
  /** Running average of the squared gradient. */
  squareAvg: Tensor;
  /** Momentum buffer (momentum > 0 only). */
  momentumBuffer?: Tensor;
  /** Running average of the gradient (centered only). */
  gradAvg?: Tensor;
}

/**
 * RMSprop (`torch.optim.RMSprop`): v ← αv + (1-α)g²; the denominator is √v + ε, or
 * √(v - ḡ²) + ε when `centered` (ḡ the running average of g); then θ ← θ - lr·g/denom, or with
 * momentum μ: b ← μb + g/denom, θ ← θ - lr·b.
 *
 * @example
 * const opt = new RMSprop(params, { lr: 1e-2, momentum: 0.9, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropParamGroup, RMSpropState> {
  /**
   * @param params tensors to optimize, or groups `{ params, ...options }` that override the options
   * @param options `lr` (1e-2), `alpha` (0.99), `eps` (1e-8), `weightDecay` (0), `momentum` (0), `centered`, `maximize`
   */
  constructor(params: Params<RMSpropParamGroup>, options: RMSpropOptions = {}) {
    const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false } = options;
    const defaults = { lr, alpha, eps, weightDecay, momentum, centered, maximize };
    checkRMSpropOptions(defaults);
    super(params, defaults);
  }

  protected checkOptions(group: RMSpropParamGroup): void {
    checkRMSpropOptions(group);
  }

  protected checkState(param: Tensor, state: RMSpropState, group: RMSpropParamGroup): void {
    if (Object.keys(state).length === 0) return;
    if (typeof state.step !== 'number') throw new ArgumentError(`RMSprop: state 'step' must be a number, got ${describeValue(state.step)}`);
    checkStateTensor('RMSprop', param, state, 'squareAvg');
    // PyTorch creates these only for the options in force on the first step, and fails with a
    // KeyError mid-step if momentum or centered is switched on later
    if (group.momentum > 0) checkStateTensor('RMSprop', param, state, 'momentumBuffer');
    if (group.centered) checkStateTensor('RMSprop', param, state, 'gradAvg');
  }

  protected override adaptLoadedState(state: ParamState): ParamState {
    // a step saved as a one-element tensor reads as a number, the type RMSprop keeps
    const step = state.step;
    return step instanceof Tensor && step.numel() === 1 ? { ...state, step: step.item() } : state;
  }

  protected updateGroup(group: RMSpropParamGroup): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const param of group.params) {
      const rawGrad = param.grad;
      if (rawGrad === null) continue;
      let state = this.state.get(param);
      if (state === undefined || Object.keys(state).length === 0) {
        state = { step: 0, squareAvg: zerosLike(param) };
        if (momentum > 0) state.momentumBuffer = zerosLike(param);
        if (centered) state.gradAvg = zerosLike(param);
        this.state.set(param, state);
      }
      state.step += 1;

      let grad = maximize ? rawGrad.neg() : rawGrad;
      if (weightDecay !== 0) grad = addScaled(grad, param, weightDecay);
      const squareAvg = state.squareAvg;
      squareAvg.mul_(alpha);
      addcmul_(squareAvg, grad, grad, 1 - alpha);
      let avg: Tensor;
      if (centered) {
        const gradAvg = state.gradAvg!;
        gradAvg.mul_(alpha);
        addScaled_(gradAvg, grad, 1 - alpha);
        avg = addcmul(squareAvg, gradAvg, gradAvg, -1).sqrt();
      } else {
        avg = squareAvg.sqrt();
      }
      avg.add_(eps);
      if (momentum > 0) {
        const buf = state.momentumBuffer!;
        buf.mul_(momentum);
        addcdiv_(buf, grad, avg, 1);
        addScaled_(param, buf, -lr);
      } else {
        addcdiv_(param, grad, avg, -lr);
      }
    }
  }
}

// PyTorch's order: lr, eps, momentum, weight decay, alpha.
function checkRMSpropOptions(group: Omit<RMSpropParamGroup, 'params'>): void {
  checkNonNegative(group.lr, 'lr', 'Invalid learning rate');
  checkNonNegative(group.eps, 'eps', 'Invalid epsilon value');
  checkNonNegative(group.momentum, 'momentum', 'Invalid momentum value');
  checkNonNegative(group.weightDecay, 'weightDecay', 'Invalid weight_decay value');
  checkNonNegative(group.alpha, 'alpha', 'Invalid alpha value');
  checkBoolean(group.centered, 'centered');
  checkBoolean(group.maximize, 'maximize');
}
