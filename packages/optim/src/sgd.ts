// Stochastic gradient descent with momentum, dampening, Nesterov momentum, weight decay and
// maximize: PyTorch 1.13's torch.optim.SGD, single-tensor code path, op for op.
import { ArgumentError, type Tensor } from '@torchlet/core';
import { addScaled, addScaled_ } from './fused.js';
import { type ParamGroup, type Params, Optimizer, checkStateTensor } from './optimizer.js';
import type { ParamState } from './state-dict.js';
import { checkBoolean, checkNonNegative, checkNumber } from './validate.js';

/** SGD's options; `lr` is required unless every parameter group sets its own. */
export interface SGDOptions {
  /** Learning rate. */
  lr?: number;
  /** Momentum factor (default 0: plain SGD). */
  momentum?: number;
  /** Dampening for momentum (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false); needs momentum > 0 and zero dampening. */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** A parameter group of `SGD`, with every option resolved. */
export interface SGDParamGroup extends ParamGroup {
  /** Momentum factor μ (0: plain SGD). */
  momentum: number;
  /** Dampening τ of the momentum. */
  dampening: number;
  /** L2 penalty λ added to the gradient. */
  weightDecay: number;
  /** Whether to use Nesterov momentum. */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

/** SGD's per-parameter state: the momentum buffer, null until momentum is used (as in PyTorch). */
export interface SGDState extends ParamState {
  /** The momentum buffer b (PyTorch's `momentum_buffer`). */
  momentumBuffer: Tensor | null;
}

/**
 * Stochastic gradient descent, optionally with momentum (`torch.optim.SGD`). With momentum μ,
 * dampening τ and weight decay λ, each step computes g ← ∇ + λθ; b ← μb + (1-τ)g (b = g on the
 * first step); g ← g + μb with Nesterov, else g ← b; θ ← θ - lr·g (θ + lr·g when maximizing).
 *
 * @example
 * const opt = new SGD([w, b], { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss().backward(); opt.step();
 */
export class SGD extends Optimizer<SGDParamGroup, SGDState> {
  /**
   * @param params tensors to optimize, or groups `{ params, ...options }` that override the options
   * @param options `lr` (required unless every group sets it), `momentum`, `dampening`, `weightDecay`, `nesterov`, `maximize`
   */
  constructor(params: Params<SGDParamGroup>, options: SGDOptions = {}) {
    const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options;
    // PyTorch checks the defaults in this order before looking at the parameters
    if (lr !== undefined) checkNonNegative(lr, 'lr', 'Invalid learning rate');
    checkNonNegative(momentum, 'momentum', 'Invalid momentum value');
    checkNonNegative(weightDecay, 'weightDecay', 'Invalid weight_decay value');
    checkNesterov(nesterov, momentum, dampening);
    super(params, { lr, momentum, dampening, weightDecay, nesterov, maximize });
  }

  protected checkOptions(group: SGDParamGroup): void {
    checkNonNegative(group.lr, 'lr', 'Invalid learning rate');
    checkNonNegative(group.momentum, 'momentum', 'Invalid momentum value');
    checkNonNegative(group.weightDecay, 'weightDecay', 'Invalid weight_decay value');
    checkNesterov(group.nesterov, group.momentum, group.dampening);
    checkBoolean(group.maximize, 'maximize');
  }

  protected checkState(param: Tensor, state: SGDState, _group: SGDParamGroup): void {
    if (state.momentumBuffer !== null && state.momentumBuffer !== undefined) checkStateTensor('SGD', param, state, 'momentumBuffer');
  }

  protected updateGroup(group: SGDParamGroup): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const param of group.params) {
      const grad = param.grad;
      if (grad === null) continue;
      let dP = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) dP = addScaled(dP, param, weightDecay);
      const state = this.state.get(param);
      let buf = state?.momentumBuffer ?? null;
      if (momentum !== 0) {
        if (buf === null) {
          buf = dP.clone();
        } else {
          buf.mul_(momentum);
          addScaled_(buf, dP, 1 - dampening);
        }
        dP = nesterov ? addScaled(dP, buf, momentum) : buf;
      }
      addScaled_(param, dP, -lr);
      // PyTorch writes the buffer back for every stepped parameter, None when momentum is 0
      if (state === undefined) this.state.set(param, { momentumBuffer: buf });
      else state.momentumBuffer = buf;
    }
  }
}

function checkNesterov(nesterov: unknown, momentum: unknown, dampening: unknown): void {
  checkBoolean(nesterov, 'nesterov');
  checkNumber(momentum, 'momentum');
  checkNumber(dampening, 'dampening');
  if (nesterov && (momentum <= 0 || dampening !== 0)) throw new ArgumentError('Nesterov momentum requires a momentum and zero dampening');
}
