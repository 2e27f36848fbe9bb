// State dicts: PyTorch's key names (`prefix + name`, recursing with `child.`), its walk order,
// and its rules for missing / unexpected / mis-shaped entries. Loading validates everything
// before copying anything, so a bad state dict leaves the module untouched.
import { ArgumentError, noGrad, Tensor } from '@torchlet/core';
import { StateDictError, type SizeMismatch } from './errors.js';
import type { Module } from './module.js';

/** Parameters and buffers by dotted key (`0.weight`), in PyTorch's order (an OrderedDict there). */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` accepts: a plain object or a Map from key to tensor. */
export type StateDictInput = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

/** PyTorch's `_IncompatibleKeys`: what a (non-strict) load did not match. */
export interface LoadStateDictResult {
  /** Keys the module has but the state dict lacks. */
  missingKeys: string[];
  /** Keys in the state dict that the module does not have. */
  unexpectedKeys: string[];
}

/** Adds `key` to a plain-object state dict; defineProperty so a key like `__proto__` stays data. */
export function setEntry(sd: StateDict, key: string, value: Tensor): void {
  Object.defineProperty(sd, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The parameters and persistent buffers a module itself holds (not its children), non-null only. */
function localState(m: Module): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, p] of m._parameters) if (p !== null) out.set(name, p);
  for (const [name, b] of m._buffers) if (b !== null && !m._nonPersistentBuffers.has(name)) out.set(name, b);
  return out;
}

/** Module.state_dict: own parameters, then persistent buffers, then each child under `name.`. */
export function saveStateDict(root: Module, prefix: string, keepVars: boolean): StateDict {
  const sd: StateDict = {};
  const stack: [Module, string][] = [[root, prefix]];
  while (stack.length > 0) {
    const [m, p] = stack.pop()!;
    for (const [name, t] of localState(m)) setEntry(sd, p + name, keepVars ? t : t.detach());
    const kids = [...m._modules].filter((e): e is [string, Module] => e[1] !== null);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i][1], `${p}${kids[i][0]}.`]);
  }
  return sd;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Module.load_state_dict, except that nothing is copied unless every entry is good. */
export function loadStateDictInto(root: Module, stateDict: StateDictInput, strict: boolean): LoadStateDictResult {
  if (typeof stateDict !== 'object' || stateDict === null) {
    throw new ArgumentError(`Expected state_dict to be dict-like (a plain object or a Map), got ${describe(stateDict)}.`);
  }
  const all: Map<string, unknown> = stateDict instanceof Map ? new Map(stateDict) : new Map(Object.entries(stateDict));
  const missingKeys: string[] = [];
  const unexpectedKeys: string[] = [];
  const sizeMismatches: SizeMismatch[] = [];
  const errors: string[] = [];
  const copies: [Tensor, Tensor][] = [];

  // PyTorch recurses over _modules with each child seeing only the keys under its prefix.
  const stack: [Module, Map<string, unknown>, string][] = [[root, all, '']];
  while (stack.length > 0) {
    const [m, local, prefix] = stack.pop()!;
    const own = localState(m);
    for (const [name, target] of own) {
      const key = prefix + name;
      if (!local.has(key)) {
        missingKeys.push(key);
        continue;
      }
      const value = local.get(key);
      if (!(value instanceof Tensor)) {
        errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${describe(value)}`);
        continue;
      }
      // PyTorch's backward compatibility: a 1-d checkpoint entry loads into a 0-d parameter
      const input = target.ndim === 0 && value.ndim === 1 && value.shape[0] > 0 ? value.select(0, 0) : value;
      if (input.ndim !== target.ndim || input.shape.some((s, i) => s !== target.shape[i])) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape ${fmt(input.shape)} from checkpoint, ` +
            `the shape in current model is ${fmt(target.shape)}.`,
        );
        sizeMismatches.push({ key, expected: target.shape.slice(), got: input.shape.slice() });
        continue;
      }
      copies.push([target, input]);
    }
    for (const key of local.keys()) {
      if (!key.startsWith(prefix)) continue;
      const first = key.slice(prefix.length).split('.', 1)[0];
      if (!m._modules.has(first) && !own.has(first)) unexpectedKeys.push(key);
    }
    const kids = [...m._modules].filter((e): e is [string, Module] => e[1] !== null);
    for (let i = kids.length - 1; i >= 0; i--) {
      const childPrefix = `${prefix}${kids[i][0]}.`;
      const childLocal = new Map([...local].filter(([k]) => k.startsWith(childPrefix)));
      stack.push([kids[i][1], childLocal, childPrefix]);
    }
  }

  if (strict) {
    if (unexpectedKeys.length > 0) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    if (missingKeys.length > 0) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
  }
  if (errors.length > 0) throw new StateDictError(root._getName(), errors, { missingKeys, unexpectedKeys, sizeMismatches });
  noGrad(() => {
    for (const [target, input] of copies) target.copy_(input);
  });
  return { missingKeys, unexpectedKeys };
}
