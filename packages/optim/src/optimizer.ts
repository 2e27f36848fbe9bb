// The Optimizer base class, PyTorch's torch.optim.Optimizer: parameter groups with per-group
// options, per-parameter state, zeroGrad, step (validate everything, then update in place under
// noGrad), and state dicts. Subclasses supply the option checks, the state checks and the update.
import {
  ArgumentError, AutogradError, DTypeError, ShapeError, Tensor, enableGrad, isInferenceModeEnabled, noGrad,
} from '@torchlet/core';
import {
  type OptimizerStateDict, type ParamState, type StateDictGroup, type StateValue,
  castToParam, checkStateDictShape, copyPlain, toCamelCase, toSnakeCase,
} from './state-dict.js';
import { describeValue } from './validate.js';

/** A parameter group: its parameters and the options used to update them. */
export interface ParamGroup {
  /** The tensors this group updates. */
  params: Tensor[];
  /** Learning rate. */
  lr: number;
  /** The learning rate when a scheduler was first attached (set by schedulers, PyTorch's `initial_lr`). */
  initialLr?: number;
  /** Other options, and keys carried over from a loaded state dict. */
  [option: string]: unknown;
}

/** A parameter group as given to a constructor or `addParamGroup`: options left out take the defaults. */
export type ParamGroupInput<G extends ParamGroup = ParamGroup> = Partial<Omit<G, 'params'>> & {
  /** One tensor or several. */
  params: Tensor | Iterable<Tensor>;
};

/** What an optimizer accepts as parameters: tensors, or parameter groups with their own options. */
export type Params<G extends ParamGroup = ParamGroup> = Iterable<Tensor> | Iterable<ParamGroupInput<G>>;

/** The option defaults of an optimizer: every option of a group; `lr` may be absent when each group sets it. */
export type GroupDefaults<G extends ParamGroup> = Omit<G, 'params' | 'lr' | 'initialLr'> & {
  /** The default learning rate; absent when every group sets its own. */
  lr?: number;
};

/**
 * Base class of all optimizers (`torch.optim.Optimizer`). `paramGroups` holds the groups with
 * their options; `state` maps each parameter to its state once it has been stepped.
 */
export abstract class Optimizer<G extends ParamGroup = ParamGroup, S extends ParamState = ParamState> {
  /** Options used for groups that do not set them. */
  readonly defaults: GroupDefaults<G>;
  /** The parameter groups. Their options may be changed between steps (that is how schedulers work). */
  paramGroups: G[] = [];
  /** Per-parameter state (momentum buffers, moment estimates, step counts). */
  state: Map<Tensor, S> = new Map();

  /**
   * @param params tensors to optimize, or groups `{ params, ...options }`
   * @param defaults options for groups that leave them out; an `lr` of `undefined` means every group must set one
   */
  protected constructor(params: Params<G>, defaults: GroupDefaults<G>) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new ArgumentError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${tensorTypeName(params)}`);
    }
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new ArgumentError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${describeValue(params)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<G>>)];
    if (list.length === 0) throw new ArgumentError('optimizer got an empty parameter list');
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<G>] : (list as ParamGroupInput<G>[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /**
   * Adds a parameter group, e.g. layers unfrozen during fine-tuning. Options it leaves out take
   * the defaults. Throws, adding nothing, if a parameter is not a tensor, is not a leaf (and does
   * not retain its grad), repeats, or already belongs to another group, or if an option is invalid.
   */
  addParamGroup(group: ParamGroupInput<G>): void {
    if (group === null || typeof group !== 'object' || group instanceof Tensor || Array.isArray(group)) {
      throw new ArgumentError(`param group must be an object { params, ...options }, got ${describeValue(group)}`);
    }
    const raw = group.params as unknown;
    let params: unknown[];
    if (raw instanceof Tensor) params = [raw];
    else if (raw !== null && typeof raw === 'object' && typeof (raw as Iterable<unknown>)[Symbol.iterator] === 'function') params = [...(raw as Iterable<unknown>)];
    else throw new ArgumentError(`param group 'params' must be a Tensor or an iterable of Tensors, got ${describeValue(raw)}`);
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new ArgumentError(`optimizer can only optimize Tensors, but one of the params is ${describeValue(p)}`);
      if (!(p.isLeaf || p.retainsGrad)) throw new ArgumentError("can't optimize a non-leaf Tensor");
    }
    const tensors = params as Tensor[];
    const built = { ...group, params: tensors } as unknown as G;
    for (const [name, value] of Object.entries(this.defaults)) {
      if (name in built && (built as Record<string, unknown>)[name] !== undefined) continue;
      if (value === undefined) throw new ArgumentError(`parameter group didn't specify a value of required optimization parameter ${name}`);
      (built as Record<string, unknown>)[name] = copyPlain(value as StateValue);
    }
    // PyTorch only warns about a repeated parameter and then updates it twice per step; we refuse it
    if (new Set(tensors).size !== tensors.length) {
      throw new ArgumentError('optimizer contains a parameter group with duplicate parameters; each parameter may appear once');
    }
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    if (tensors.some((p) => taken.has(p))) throw new ArgumentError('some parameters appear in more than one parameter group');
    this.checkGroup(built);
    this.paramGroups.push(built);
  }

  /**
   * Clears the gradients of every parameter. With `setToNone` (the default, as in PyTorch 2) the
   * grads become null, so the next step skips parameters that get no new gradient; with
   * `setToNone: false` they are detached and zeroed in place.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (setToNone) {
          p.grad = null;
        } else {
          if (grad.gradFn !== null) grad.detach_();
          else grad.requiresGrad_(false);
          grad.zero_();
        }
      }
    }
  }

  /**
   * Performs one optimization step on every parameter that has a gradient, in place and without
   * recording autograd history. With a `closure`, first runs it with grad mode on (it should
   * zero the grads, compute the loss, call `backward()` and return the loss) and returns its value.
   * Everything is checked before the first parameter changes: if `step` throws, parameters and
   * state are as they were.
   */
  step(): undefined;
  step<L>(closure: () => L): L;
  step<L>(closure?: () => L): L | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    if (loss !== null && typeof loss === 'object' && typeof (loss as { then?: unknown }).then === 'function') {
      // the update would run before the closure's backward() had produced the gradients
      throw new ArgumentError('step(closure): the closure returned a Promise; the closure must compute the loss and call backward() synchronously');
    }
    noGrad(() => {
      this.checkBeforeStep();
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /**
   * The optimizer's state as PyTorch's state dict (see `OptimizerStateDict`): options under
   * PyTorch's names, parameters as indices numbered across groups, state keyed by those indices.
   * State tensors are the live tensors, as in PyTorch; group option values are copies.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const packed: StateDictGroup = { params: [] };
      for (const [key, value] of Object.entries(group)) if (key !== 'params') packed[toSnakeCase(key)] = copyPlain(value as StateValue);
      group.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      packed.params = group.params.map((p) => index.get(p)!);
      start += group.params.length;
      return packed;
    });
    const state: Record<number, Record<string, StateValue>> = {};
    for (const [p, entry] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue; // state of a parameter no longer in any group: PyTorch would fail here
      const packed: Record<string, StateValue> = {};
      for (const [key, value] of Object.entries(entry)) packed[toSnakeCase(key)] = value;
      state[i] = packed;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Loads a state dict from `stateDict()` (ours, or PyTorch's with tensors converted): group
   * options come from the dict, parameters stay this optimizer's, and state tensors are copied
   * and cast to their parameter's dtype (except `step`, as in PyTorch). Everything is checked
   * first; on error nothing changes.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const sd = checkStateDictShape(stateDict);
    const saved = sd.param_groups;
    if (saved.length !== this.paramGroups.length) {
      throw new ArgumentError(
        `loaded state dict has a different number of parameter groups (${saved.length}, this optimizer has ${this.paramGroups.length})`,
      );
    }
    saved.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new ArgumentError(
          `loaded state dict contains a parameter group that doesn't match the size of optimizer's group ` +
            `(group ${i}: ${g.params.length} params saved, ${this.paramGroups[i].params.length} here)`,
        );
      }
    });
    const idMap = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => idMap.set(id, this.paramGroups[i].params[j])));

    const groups = saved.map((g, i) => {
      const group = {} as Record<string, unknown>;
      for (const [key, value] of Object.entries(g)) if (key !== 'params') group[toCamelCase(key)] = copyPlain(value);
      // keys the dict lacks keep their defaults, like PyTorch's __setstate__ setdefault calls
      for (const [key, value] of Object.entries(this.defaults)) if (!(key in group)) group[key] = copyPlain(value as StateValue);
      group.params = this.paramGroups[i].params;
      return group as G;
    });
    const state = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const param = idMap.get(Number(key));
      if (param === undefined) {
        throw new ArgumentError(`loaded state dict has state for parameter index ${key}, which none of its param_groups lists`);
      }
      const cast: ParamState = {};
      for (const [k, v] of Object.entries(entry)) cast[toCamelCase(k)] = castToParam(param, v, k);
      state.set(param, this.adaptLoadedState(cast) as S);
    }
    for (const group of groups) {
      this.checkGroup(group);
      for (const p of group.params) {
        const entry = state.get(p);
        if (entry !== undefined) this.checkState(p, entry, group);
      }
    }
    this.paramGroups = groups;
    this.state = state;
  }

  /** PyTorch's repr: the class name, then each group's options sorted by name. */
  toString(): string {
    let out = `${this.constructor.name} (`;
    this.paramGroups.forEach((group, i) => {
      out += `\nParameter Group ${i}\n`;
      for (const key of Object.keys(group).sort()) if (key !== 'params') out += `    ${key}: ${formatOption(group[key])}\n`;
    });
    return `${out})`;
  }

  /** Checks a group's options, throwing PyTorch's message for the first invalid one. */
  protected abstract checkOptions(group: G): void;

  /**
   * Checks one parameter's state before it is used: the keys the update needs for this group's
   * options, with tensors of the parameter's shape and dtype. Empty state is always valid (it is
   * created on the first step).
   */
  protected abstract checkState(param: Tensor, state: S, group: G): void;

  /** Updates every parameter of `group` that has a gradient. Runs under noGrad after all checks passed. */
  protected abstract updateGroup(group: G): void;

  /** Converts state loaded from a dict written by another PyTorch version (e.g. a number `step`). */
  protected adaptLoadedState(state: ParamState): ParamState {
    return state;
  }

  private checkGroup(group: G): void {
    if (!Array.isArray(group.params)) throw new ArgumentError("a parameter group's 'params' must be an array of Tensors");
    this.checkOptions(group);
  }

  // Everything a step could trip over, checked for every group before any parameter is written.
  private checkBeforeStep(): void {
    const seen = new Set<Tensor>();
    for (const group of this.paramGroups) {
      this.checkGroup(group);
      for (const p of group.params) {
        if (!(p instanceof Tensor)) throw new ArgumentError(`optimizer can only optimize Tensors, but one of the params is ${describeValue(p)}`);
        if (seen.has(p)) throw new ArgumentError('some parameters appear in more than one parameter group');
        seen.add(p);
        const grad = p.grad;
        if (grad === null) continue;
        checkParamWithGrad(p, grad);
        const entry = this.state.get(p);
        if (entry !== undefined) this.checkState(p, entry, group);
      }
    }
  }
}

/**
 * Checks that `state[key]` is a tensor shaped and typed like `param`; `owner` names the
 * optimizer in the message. For subclasses' `checkState`.
 */
export function checkStateTensor(owner: string, param: Tensor, state: ParamState, key: string): void {
  const value = state[key];
  if (!(value instanceof Tensor)) {
    throw new ArgumentError(`${owner}: state '${key}' of a parameter must be a Tensor, got ${describeValue(value)}`);
  }
  if (value.shape.length !== param.shape.length || value.shape.some((d, i) => d !== param.shape[i])) {
    throw new ShapeError(`${owner}: state '${key}' has shape [${value.shape.join(', ')}] but its parameter has shape [${param.shape.join(', ')}]`);
  }
  if (value.dtype !== param.dtype) {
    throw new DTypeError(`${owner}: state '${key}' is ${value.dtype} but its parameter is ${param.dtype}`);
  }
}

function checkParamWithGrad(p: Tensor, grad: Tensor): void {
  if (p.dtype !== 'float32' && p.dtype !== 'float64') {
    throw new DTypeError(`optimizers update floating-point parameters only; got a ${p.dtype} parameter with a gradient`);
  }
  if (grad.dtype !== p.dtype || grad.shape.length !== p.shape.length || grad.shape.some((d, i) => d !== p.shape[i])) {
    throw new ShapeError(`a parameter's grad (${grad.dtype} [${grad.shape.join(', ')}]) does not match the parameter (${p.dtype} [${p.shape.join(', ')}])`);
  }
  if (p.isInference() && !isInferenceModeEnabled()) {
    throw new AutogradError('Inplace update to inference tensor outside InferenceMode is not allowed: the optimizer cannot update a parameter made in inference mode; clone() it first.');
  }
  const strides = p.stride();
  if (p.shape.some((d, i) => d > 1 && strides[i] === 0)) {
    throw new ArgumentError('cannot update a parameter in which several elements share one memory location (an expand()ed tensor); clone() it first');
  }
}

function tensorTypeName(t: Tensor): string {
  return t.dtype === 'float64' ? 'torch.DoubleTensor' : t.dtype === 'int32' ? 'torch.IntTensor' : t.dtype === 'bool' ? 'torch.BoolTensor' : 'torch.FloatTensor';
}

function formatOption(value: unknown): string {
  if (Array.isArray(value)) return `(${value.map(formatOption).join(', ')})`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  return String(value);
}
