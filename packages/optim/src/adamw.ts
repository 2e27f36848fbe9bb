// AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, PyTorch 1.13's
// torch.optim.AdamW, single-tensor code path. The update is Adam's (`adamStep`) with the decay
// applied to the parameter instead of the gradient.
import { AdamFamily, type AdamOptions, type AdamParamGroup, adamDefaults } from './adam.js';
import type { Params } from './optimizer.js';

/**
 * AdamW (`torch.optim.AdamW`): each step first shrinks the parameter, θ ← θ·(1 - lr·λ), then
 * applies Adam's update to the raw gradient. `weightDecay` defaults to 1e-2.
 *
 * @example
 * const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamFamily {
  protected readonly label = 'AdamW';
  protected readonly decoupled = true;

  /**
   * @param params tensors to optimize, or groups `{ params, ...options }` that override the options
   * @param options `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (1e-2), `amsgrad`, `maximize`
   */
  constructor(params: Params<AdamParamGroup>, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 1e-2));
  }
}
