// Graph nodes (PyTorch's grad_fn objects) and saved tensors. A node holds, per input, where that
// input's gradient goes and the shape/dtype it must have; it never holds the inputs themselves,
// so intermediate storage is only kept alive by what the backward rule saved.
import type { DType } from '../dtype.js';
import { AutogradError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** Maps the gradient of a node's output to the gradients of its inputs (null: no gradient). */
export type BackwardFn = (node: Node, grad: Tensor) => (Tensor | null | undefined)[];

/** A backward rule with PyTorch's grad_fn name. Created only by `defineRules`, so every rule has a backward. */
export interface Rule<Name extends string = string> {
  readonly name: Name;
  readonly backward: BackwardFn;
}

/** Turns `{ MulBackward0: fn, ... }` into rules named by their keys. */
export function defineRules<T extends Record<string, BackwardFn>>(fns: T): { readonly [K in keyof T & string]: Rule<K> } {
  const out: Record<string, Rule> = {};
  for (const name of Object.keys(fns)) out[name] = { name, backward: fns[name] };
  return out as { readonly [K in keyof T & string]: Rule<K> };
}

/** Where one input's gradient goes, and the shape and dtype that gradient must have. */
export interface InputSlot {
  readonly node: Node;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A gradient hook: may return a replacement gradient. */
export type GradHook = (grad: Tensor) => Tensor | void | undefined | null;

const FREED =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
  'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). ' +
  'Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

const TENSOR_TYPE: Record<DType, string> = { float32: 'FloatTensor', float64: 'DoubleTensor', int32: 'IntTensor', bool: 'BoolTensor' };

/** A tensor saved for backward, with the version it had when saved. */
export class SavedTensor {
  readonly tensor: Tensor;
  readonly version: number;
  constructor(tensor: Tensor) {
    this.tensor = tensor;
    this.version = tensor._version === null ? 0 : tensor._version.value;
  }

  /** The tensor, after checking that no in-place op changed it since it was saved. */
  unpack(): Tensor {
    const t = this.tensor;
    const now = t._version === null ? 0 : t._version.value;
    if (now !== this.version) {
      const desc = `[torch.${TENSOR_TYPE[t.dtype]} ${fmtShape(t.shape)}]`;
      // like PyTorch, name the tensor's current grad_fn (an in-place op may have rebased it)
      const which = t._gradFn === null ? '' : `, which is output 0 of ${t._gradFn.name},`;
      throw new AutogradError(
        `one of the variables needed for gradient computation has been modified by an inplace operation: ${desc}${which} ` +
          `is at version ${now}; expected version ${this.version} instead. Hint: enable anomaly detection to find the ` +
          'operation that failed to compute its gradient, with autograd.setDetectAnomaly(true).',
      );
    }
    return t;
  }
}

/** A node of the autograd graph: PyTorch's `grad_fn`. */
export class Node {
  /** PyTorch's name of the backward function, e.g. `MulBackward0`. */
  readonly name: string;
  /** @internal */ _backward: BackwardFn;
  /** @internal One slot per operand of the forward op; null where that operand needs no gradient. */
  _inputs: (InputSlot | null)[];
  /** @internal */ _saved: (SavedTensor | null)[] | null = null;
  /** @internal Non-tensor values the backward needs (dims, sizes, scalars). */
  ctx: any = null;
  /** @internal Set once saved tensors were freed by a backward without retainGraph. */
  _released = false;
  /** @internal Hooks registered on the output tensor (run before the gradient moves on). */
  _preHooks: GradHook[] | null = null;
  /** @internal Output tensors whose `.grad` should be kept (`retainGrad()`). */
  _retained: WeakRef<Tensor> | null = null;
  /** @internal Engine scratch: pending incoming edges and the summed incoming gradient. */
  _deps = 0;
  /** @internal */ _buffer: Tensor | null = null;
  /** @internal Engine scratch, stamped with the run id: visited, on a path to a target, runs its backward, edges counted. */
  _visit = 0;
  /** @internal */ _need = 0;
  /** @internal */ _runs = 0;
  /** @internal */ _counted = 0;

  constructor(rule: Rule, inputs: (InputSlot | null)[]) {
    this.name = rule.name;
    this._backward = rule.backward;
    this._inputs = inputs;
  }

  /** PyTorch's `next_functions`: `[node, inputIndex]` per forward operand (`[null, 0]` where none). */
  get nextFunctions(): [Node | null, number][] {
    return this._inputs.map((slot) => [slot === null ? null : slot.node, 0]);
  }

  /** Whether operand `i` needs a gradient (PyTorch's `needs_input_grad`). */
  needsInputGrad(i: number): boolean {
    return i < this._inputs.length && this._inputs[i] !== null;
  }

  /** Saves tensors for backward (checked for in-place changes when unpacked). @internal */
  save(...tensors: (Tensor | null)[]): void {
    for (const t of tensors) {
      if (t !== null && t._inference) {
        throw new AutogradError(
          'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.',
        );
      }
    }
    this._saved = tensors.map((t) => (t === null ? null : new SavedTensor(t)));
  }

  /** Saved tensor `i`, version-checked. @internal */
  saved(i: number): Tensor {
    if (this._saved === null) {
      if (this._released) throw new AutogradError(FREED);
      throw new AutogradError(`${this.name}: saved tensor ${i} was never saved`);
    }
    const s = this._saved[i];
    if (s === null || s === undefined) throw new AutogradError(`${this.name}: saved tensor ${i} was not saved for this backward`);
    return s.unpack();
  }

  /** Frees saved tensors (after a backward without retainGraph). @internal */
  release(): void {
    if (this._saved !== null) {
      this._saved = null;
      this._released = true;
    }
  }

  /** Registers a hook on the gradient flowing into this node. @internal */
  addPreHook(hook: GradHook): { remove(): void } {
    const hooks = (this._preHooks ??= []);
    hooks.push(hook);
    return { remove: () => removeOnce(hooks, hook) };
  }

  /** @internal */
  toString(): string {
    return `<${this.name}>`;
  }
}

function removeOnce<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

const accumulateRule: Rule<'AccumulateGrad'> = {
  name: 'AccumulateGrad',
  backward: () => [],
};

/** The node that accumulates a leaf's gradient into its `.grad` (PyTorch's AccumulateGrad). */
export class AccumulateGrad extends Node {
  /** The leaf tensor this node accumulates into. */
  readonly variable: Tensor;
  constructor(variable: Tensor) {
    super(accumulateRule, []);
    this.variable = variable;
  }
}
