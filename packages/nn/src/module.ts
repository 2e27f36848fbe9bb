// Module: PyTorch's torch.nn.Module. Fields holding a Parameter, a Module or a registered buffer
// are tracked in assignment order, as PyTorch's __setattr__ does; everything recursive
// (parameters, state dicts, train/eval, printing) walks those registries.
import { ArgumentError, Tensor, TorchletError } from '@torchlet/core';
import { Parameter } from './parameter.js';
import { addIndent } from './internal/repr.js';
import { loadStateDictInto, saveStateDict, type LoadStateDictResult, type StateDict, type StateDictInput } from './state-dict.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Runs before `forward` inside `call`; a returned value replaces the arguments (a non-array becomes the only one). */
export type ForwardPreHook<M extends Module = Module> = (module: M, input: unknown[]) => unknown;
/** Runs after `forward` inside `call`; a returned value replaces the output. */
export type ForwardHook<M extends Module = Module> = (module: M, input: unknown[], output: unknown) => unknown;

/** Returned by hook registration: `remove()` unregisters the hook (PyTorch's RemovableHandle). */
export interface RemovableHandle {
  /** Unique id of the registration. */
  readonly id: number;
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

let nextHookId = 0;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Tensor) return value.constructor.name;
  if (typeof value === 'object' || typeof value === 'function') return (value as object).constructor?.name ?? typeof value;
  return typeof value;
}

function checkName(name: unknown, kind: 'parameter' | 'buffer' | 'module'): asserts name is string {
  if (typeof name !== 'string') throw new ArgumentError(`${kind} name should be a string. Got ${describe(name)}`);
  if (name.includes('.')) throw new ArgumentError(`${kind} name can't contain "."`);
  if (name === '') throw new ArgumentError(`${kind} name can't be empty string ""`);
}

/**
 * Base class of every layer and model (`torch.nn.Module`). Subclasses assign parameters and
 * submodules to fields in the constructor and implement `forward`.
 *
 * `forward(...)` computes the output without hooks, like calling `module.forward(x)` in PyTorch;
 * `call(...)` is PyTorch's `module(x)`: it runs forward pre-hooks, `forward`, then forward hooks.
 * (A JavaScript object cannot be made callable without wrapping every instance in a function.)
 *
 * Registration works through a Proxy that sees field assignments, so `this.fc = new Linear(2, 3)`
 * registers `fc`. Module itself therefore keeps no `#private` fields.
 */
export class Module {
  /** Whether the module is in training mode (`train()`) or evaluation mode (`eval()`). */
  training = true;
  /** @internal Parameters by name, in registration order (null: registered as absent, e.g. `bias`). */
  _parameters = new Map<string, Parameter | null>();
  /** @internal Buffers by name, in registration order. */
  _buffers = new Map<string, Tensor | null>();
  /** @internal Names of buffers left out of the state dict. */
  _nonPersistentBuffers = new Set<string>();
  /** @internal Submodules by name, in registration order. */
  _modules = new Map<string, Module | null>();
  /** @internal */ _forwardPreHooks = new Map<number, ForwardPreHook<any>>();
  /** @internal */ _forwardHooks = new Map<number, ForwardHook<any>>();

  constructor() {
    const proxy = new Proxy(this, registrar);
    targets.set(proxy, this);
    return proxy;
  }

  // ---- forward ----------------------------------------------------------------------------

  /** The computation of this module; subclasses override it. */
  forward(..._args: any[]): any {
    throw new TorchletError(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /**
   * Runs the module like PyTorch's `module(...args)`: forward pre-hooks, `forward`, forward hooks.
   * Use this (not `forward`) when hooks should run.
   */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    let input: unknown[] = args;
    for (const hook of [...this._forwardPreHooks.values()]) {
      const result = hook(this, input);
      if (result !== undefined && result !== null) input = Array.isArray(result) ? result : [result];
    }
    let output = this.forward(...input);
    for (const hook of [...this._forwardHooks.values()]) {
      const result = hook(this, input, output);
      if (result !== undefined && result !== null) output = result;
    }
    return output;
  }

  /** Registers `hook(module, args)` to run before every `call`; it may return replacement arguments. */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    return addHook(this._forwardPreHooks, hook, 'registerForwardPreHook');
  }

  /** Registers `hook(module, args, output)` to run after every `call`; it may return a replacement output. */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    return addHook(this._forwardHooks, hook, 'registerForwardHook');
  }

  // ---- registration -----------------------------------------------------------------------

  /** Registers `param` (or null, meaning "this parameter is absent") under `name`. */
  registerParameter(name: string, param: Parameter | null): void {
    checkName(name, 'parameter');
    if (this._hasOtherAttribute(name, this._parameters)) throw new ArgumentError(`attribute '${name}' already exists`);
    if (param !== null && !(param instanceof Parameter)) {
      throw new ArgumentError(`cannot assign '${describe(param)}' object to parameter '${name}' (Parameter or null required)`);
    }
    if (param === null) {
      this._modules.delete(name);
      this._buffers.delete(name);
      this._parameters.set(name, null);
    }
    (this as any)[name] = param;
  }

  /** Registers a buffer: a tensor that is state but not a parameter (saved in the state dict unless not persistent). */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    checkName(name, 'buffer');
    if (this._hasOtherAttribute(name, this._buffers)) throw new ArgumentError(`attribute '${name}' already exists`);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new ArgumentError(`cannot assign '${describe(tensor)}' object to buffer '${name}' (Tensor or null required)`);
    }
    this._buffers.set(name, tensor);
    if (persistent) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
    Reflect.defineProperty(rawTarget(this), name, { value: tensor, writable: true, enumerable: true, configurable: true });
  }

  /** Registers `module` (or null) as a child under `name`. */
  registerModule(name: string, module: Module | null): void {
    checkName(name, 'module');
    if (this._hasOtherAttribute(name, this._modules)) throw new ArgumentError(`attribute '${name}' already exists`);
    if (module !== null && !(module instanceof Module)) throw new ArgumentError(`${describe(module)} is not a Module subclass`);
    if (module === null) {
      this._parameters.delete(name);
      this._buffers.delete(name);
      this._modules.set(name, null);
    }
    (this as any)[name] = module;
  }

  /** PyTorch's `hasattr(self, name) and name not in registry`; a declared but unset field (undefined) does not count. */
  private _hasOtherAttribute(name: string, registry: Map<string, unknown>): boolean {
    return name in this && !registry.has(name) && (this as any)[name] !== undefined;
  }

  /** Alias of `registerModule` (PyTorch's `add_module`). */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /** The submodule at a dotted path such as `'0.fc'` (`''` is this module). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    return target.split('.').reduce<Module>((mod, item) => {
      const next = mod._modules.get(item);
      if (next === undefined || next === null) throw new ArgumentError(`${mod._getName()} has no attribute \`${item}\``);
      return next;
    }, this);
  }

  // ---- traversal --------------------------------------------------------------------------

  /** `[name, parameter]` pairs, recursively with dotted names (`0.weight`), each parameter once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    return this._namedMembers((m) => m._parameters, prefix, recurse);
  }

  /** All parameters, recursively, each once (shared parameters are not repeated). */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** `[name, buffer]` pairs, recursively with dotted names. */
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    return this._namedMembers((m) => m._buffers, prefix, recurse);
  }

  /** All buffers, recursively. */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** Direct submodules with their names, each once. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, m] of this._modules) {
      if (m === null || seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
    }
    return out;
  }

  /** Direct submodules. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all submodules in pre-order, with dotted names (this module's name is `prefix`). */
  namedModules(memo: Set<Module> | null = null, prefix = '', removeDuplicate = true): [string, Module][] {
    const seen = memo ?? new Set<Module>();
    const out: [string, Module][] = [];
    // iterative pre-order walk: deep models must not overflow the stack
    const stack: [string, Module][] = [[prefix, this]];
    while (stack.length > 0) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      if (removeDuplicate) seen.add(m);
      out.push([name, m]);
      const kids = [...m._modules].filter((e): e is [string, Module] => e[1] !== null);
      for (let i = kids.length - 1; i >= 0; i--) stack.push([name + (name ? '.' : '') + kids[i][0], kids[i][1]]);
    }
    return out;
  }

  /** This module and all submodules, pre-order, each once. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  private _namedMembers<T extends Tensor>(get: (m: Module) => Map<string, T | null>, prefix: string, recurse: boolean): [string, T][] {
    const seen = new Set<T>();
    const out: [string, T][] = [];
    const mods: [string, Module][] = recurse ? this.namedModules(null, prefix) : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [k, v] of get(m)) {
        if (v === null || seen.has(v)) continue;
        seen.add(v);
        out.push([modPrefix + (modPrefix ? '.' : '') + k, v]);
      }
    }
    return out;
  }

  // ---- modes and gradients ----------------------------------------------------------------

  /** Sets training mode (`mode = true`) or evaluation mode on this module and every submodule. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new ArgumentError('training mode is expected to be boolean');
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. Affects Dropout (and any module that reads `training`). */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears the gradients of all parameters. With `setToNone` (the default here, as in PyTorch 2
   * and in our optimizers) `.grad` becomes null; with `setToNone: false` it is zeroed in place,
   * PyTorch 1.13's default behaviour.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const p of this.parameters()) {
      const g = p.grad;
      if (g === null) continue;
      if (setToNone) {
        p.grad = null;
      } else {
        if (g.gradFn !== null) g.detach_();
        else g.requiresGrad_(false);
        g.zero_();
      }
    }
  }

  /** Sets `requiresGrad` on every parameter (freezing with `false`); returns this module. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Calls `fn` on every submodule (children first, recursively) and then on this module. */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- state dict -------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by PyTorch's dotted key names (`0.weight`), in
   * registration order, detached unless `keepVars`. Values share storage with the module.
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    return saveStateDict(this, options.prefix ?? '', options.keepVars ?? false);
  }

  /**
   * Copies values from `stateDict` (a plain object or a Map of key → Tensor) into this module's
   * parameters and buffers. Shape mismatches, non-tensor values and (when `strict`, the default)
   * missing or unexpected keys throw a `StateDictError` listing all of them; then nothing is
   * copied (PyTorch copies the good entries before raising). Returns the missing and unexpected keys.
   */
  loadStateDict(stateDict: StateDictInput, options: { strict?: boolean } = {}): LoadStateDictResult {
    return loadStateDictInto(this, stateDict, options.strict ?? true);
  }

  // ---- printing ---------------------------------------------------------------------------

  /** The class name shown in printouts. */
  _getName(): string {
    return this.constructor.name;
  }

  /** Extra information inside the parentheses of this module's printout (override in subclasses). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's module printout, e.g. `Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = [...this._modules].map(([key, m]) => `(${key}): ${addIndent(m === null ? 'None' : m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this._getName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }

  /** @internal Node's util.inspect (console.log) shows the PyTorch printout. */
  [INSPECT](): string {
    return this.toString();
  }
}

function addHook<H>(hooks: Map<number, H>, hook: H, op: string): RemovableHandle {
  if (typeof hook !== 'function') throw new ArgumentError(`${op} expects a function, got ${describe(hook)}`);
  const id = nextHookId++;
  hooks.set(id, hook);
  return { id, remove: () => void hooks.delete(id) };
}

// The object behind each module's proxy, so registerBuffer can store without re-entering the trap.
const targets = new WeakMap<Module, Module>();

function rawTarget(m: Module): Module {
  return targets.get(m) ?? m;
}

/**
 * PyTorch's Module.__setattr__ / __delattr__: a Parameter or Module value registers under the
 * field's name (leaving the other registries); assigning to a registered name checks the kind.
 * Values are also stored as ordinary properties so reading a field costs no trap.
 */
const registrar: ProxyHandler<Module> = {
  defineProperty(target, prop, desc) {
    if (typeof prop === 'string' && 'value' in desc) assign(target, prop, desc.value);
    return Reflect.defineProperty(target, prop, desc);
  },
  deleteProperty(target, prop) {
    if (typeof prop === 'string') {
      target._parameters.delete(prop);
      target._buffers.delete(prop);
      target._nonPersistentBuffers.delete(prop);
      target._modules.delete(prop);
    }
    return Reflect.deleteProperty(target, prop);
  },
};

function assign(m: Module, name: string, value: unknown): void {
  // the registries themselves are assigned while the base constructor runs
  if (m._parameters === undefined || m._modules === undefined || m._buffers === undefined) return;
  if (value instanceof Parameter) {
    m._buffers.delete(name);
    m._nonPersistentBuffers.delete(name);
    m._modules.delete(name);
    m._parameters.set(name, value);
  } else if (m._parameters.has(name)) {
    if (value !== null && value !== undefined) {
      throw new ArgumentError(`cannot assign '${describe(value)}' as parameter '${name}' (Parameter or null expected)`);
    }
    m._parameters.set(name, null);
  } else if (value instanceof Module) {
    m._parameters.delete(name);
    m._buffers.delete(name);
    m._nonPersistentBuffers.delete(name);
    m._modules.set(name, value);
  } else if (m._modules.has(name)) {
    if (value !== null && value !== undefined) {
      throw new ArgumentError(`cannot assign '${describe(value)}' as child module '${name}' (Module or null expected)`);
    }
    m._modules.set(name, null);
  } else if (m._buffers.has(name)) {
    if (value !== null && value !== undefined && !(value instanceof Tensor)) {
      throw new ArgumentError(`cannot assign '${describe(value)}' as buffer '${name}' (Tensor or null expected)`);
    }
    m._buffers.set(name, (value ?? null) as Tensor | null);
  }
}
