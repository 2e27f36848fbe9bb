// The one choke point where ops meet grad mode: every op hands its fresh output here, and this
// is where the graph is recorded (or not) and where inference tensors are marked. Nothing else
// in the op machinery reads the grad-mode state.
import { AutogradError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { gradState } from './grad-mode.js';
import { AccumulateGrad, type InputSlot, Node, type Rule } from './node.js';

/** The node a tensor's gradient flows into: its grad_fn, or its AccumulateGrad if it is a leaf. */
export function gradNode(t: Tensor): Node {
  if (t._gradFn !== null) return t._gradFn;
  return (t._meta().accumulator ??= new AccumulateGrad(t));
}

function slot(t: Tensor): InputSlot | null {
  return t._requiresGrad ? { node: gradNode(t), shape: t.shape, dtype: t.dtype } : null;
}

/**
 * Whether an op on these operands would be recorded now (grad mode on and one requires grad).
 * Lets a fused op take its fast path only where no graph is needed.
 */
export function wouldRecord(a: Tensor, b?: Tensor | null, c?: Tensor | null): boolean {
  if (!gradState().grad) return false;
  return a._requiresGrad || (b != null && b._requiresGrad) || (c != null && c._requiresGrad);
}

/** Marks a tensor made outside any op (creation functions) for the current mode. */
export function produced<T extends Tensor>(out: T): T {
  if (gradState().inference) out._inference = true;
  return out;
}

/**
 * Records `out = rule(a[, b])` when grad mode is on and an operand requires grad, making `out`
 * a non-leaf with `gradFn`. Returns the node so the op can save what its backward needs, or
 * null when nothing was recorded. A number `b` is a scalar operand: a slot with no gradient.
 */
export function record(rule: Rule, out: Tensor, a: Tensor, b?: Tensor | number): Node | null {
  const state = gradState();
  if (state.inference) out._inference = true;
  if (!state.grad) return null;
  const bt = typeof b === 'object' ? b : null;
  if (!a._requiresGrad && (bt === null || !bt._requiresGrad)) return null;
  const node = new Node(rule, b === undefined ? [slot(a)] : [slot(a), bt === null ? null : slot(bt)]);
  out._gradFn = node;
  out._requiresGrad = true;
  return node;
}

/** `record` for ops with any number of tensor operands (cat, stack, where, ...). */
export function recordMany(rule: Rule, out: Tensor, inputs: readonly Tensor[]): Node | null {
  const state = gradState();
  if (state.inference) out._inference = true;
  if (!state.grad || !inputs.some((t) => t._requiresGrad)) return null;
  const node = new Node(rule, inputs.map(slot));
  out._gradFn = node;
  out._requiresGrad = true;
  return node;
}

/**
 * Checks that `self` may be modified in place, before anything is written: a leaf that requires
 * grad only under no-grad (how optimizers update), inference tensors only inside inference mode.
 * Returns whether the op must be recorded afterwards with `recordInPlace`.
 */
export function checkInPlace(self: Tensor, others: readonly (Tensor | number | undefined)[]): boolean {
  const state = gradState();
  if (self._inference && !state.inference) {
    throw new AutogradError(
      'Inplace update to inference tensor outside InferenceMode is not allowed. You can make a clone to get a normal tensor ' +
        'before doing inplace update. See https://github.com/pytorch/rfcs/pull/17 for more details.',
    );
  }
  if (!state.grad) return false;
  const needs = self._requiresGrad || others.some((o) => typeof o === 'object' && o._requiresGrad);
  if (!needs) return false;
  if (self._requiresGrad && self._gradFn === null) {
    throw new AutogradError(
      'a leaf Variable that requires grad is being used in an in-place operation. ' +
        'Wrap the update in noGrad(() => ...) (as optimizers do), or operate on a clone().',
    );
  }
  if (self._extra !== null && self._extra.base !== null) {
    throw new AutogradError(
      'in-place operations on views of tensors that require grad are not supported while recording; ' +
        'apply the op out of place (e.g. y = y.add(x)) or to a clone().',
    );
  }
  return true;
}

/**
 * After an in-place op that `checkInPlace` said must be recorded: rebases `self`'s history onto a
 * new node whose first input is `self`'s previous history (PyTorch's rebase_history).
 */
export function recordInPlace(rule: Rule, self: Tensor, previous: InputSlot | null, other?: Tensor | number): Node {
  const bt = typeof other === 'object' ? other : null;
  const inputs = other === undefined ? [previous] : [previous, bt === null ? null : slot(bt)];
  const node = new Node(rule, inputs);
  self._gradFn = node;
  self._requiresGrad = true;
  return node;
}

/** The slot describing `self`'s current history, taken before an in-place op rebases it. */
export function historySlot(self: Tensor): InputSlot | null {
  return slot(self);
}
