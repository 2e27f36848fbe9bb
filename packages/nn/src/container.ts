// Sequential: children named '0', '1', ... (or given names), called in order.
import { ArgumentError, DimError, type Tensor } from '@torchlet/core';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { ReLU } from './activation.js';
import { linearRelu } from './functional/linear.js';

/** A Linear with a bias followed by a non-inplace ReLU, exactly those classes and without hooks. */
function fusesWithRelu(m: Module, next: Module): m is Linear {
  const noHooks = (x: Module) => x._forwardHooks.size === 0 && x._forwardPreHooks.size === 0;
  if (Object.getPrototypeOf(m) !== Linear.prototype || Object.getPrototypeOf(next) !== ReLU.prototype) return false;
  return (m as Linear).bias !== null && !(next as ReLU).inplace && noHooks(m) && noHooks(next);
}

/**
 * Runs its modules in order, each on the previous one's output (`torch.nn.Sequential`).
 * Children are named `'0'`, `'1'`, ... (so parameters are `0.weight`, ...), or by the keys of a
 * Map / plain object passed as the only argument (PyTorch's OrderedDict form).
 */
export class Sequential extends Module {
  constructor(...modules: Module[] | [ReadonlyMap<string, Module>] | [Readonly<Record<string, Module>>]) {
    super();
    const first = modules[0] as unknown;
    if (modules.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      const entries = first instanceof Map ? [...first] : Object.entries(first);
      for (const [name, m] of entries) this.registerModule(name, m as Module);
    } else {
      (modules as Module[]).forEach((m, i) => {
        if (!(m instanceof Module)) throw new ArgumentError(`Sequential: argument ${i} is not a Module`);
        this.registerModule(String(i), m);
      });
    }
  }

  /** Number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /** The module at `index` (negative counts from the end), like `seq[i]` in PyTorch. */
  at(index: number): Module {
    const n = this._modules.size;
    if (!Number.isInteger(index) || index < -n || index >= n) throw new DimError(`index ${index} is out of range for a Sequential of length ${n}`);
    return [...this._modules.values()][index < 0 ? index + n : index] as Module;
  }

  /** Appends `module` under the next index name; returns this Sequential. */
  append(module: Module): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  /** Iterates over the modules in order. */
  *[Symbol.iterator](): IterableIterator<Module> {
    for (const m of this._modules.values()) if (m !== null) yield m;
  }

  /**
   * Feeds `input` through every module's `call` (so their hooks run), in order. A plain Linear
   * followed by a plain ReLU, neither with hooks, runs as one fused kernel where no graph is
   * recorded (same values; while recording, the graph is PyTorch's).
   */
  override forward(input: Tensor): Tensor {
    let x: Tensor = input;
    const mods = [...this._modules.values()];
    for (let i = 0; i < mods.length; i++) {
      const m = mods[i];
      if (m === null) continue;
      const next = mods[i + 1];
      if (next != null && fusesWithRelu(m, next)) {
        x = linearRelu(x, m.weight, m.bias!);
        i++;
      } else x = m.call(x);
    }
    return x;
  }
}
