// The optimizer state dict: PyTorch's structure and PyTorch's key names, so a dict written by
// `torch.optim` (converted to torchlet tensors) loads here and ours reads like PyTorch's:
//   { state: { 0: { momentum_buffer: Tensor }, ... },
//     param_groups: [{ lr: 0.1, weight_decay: 0, ..., params: [0, 1] }, ...] }
// Live objects use camelCase (`group.weightDecay`, `state.get(p).expAvgSq`); the dict uses
// snake_case (`weight_decay`, `exp_avg_sq`). The two convert by one rule, so the round trip is exact.
import { ArgumentError, Tensor, noGrad } from '@torchlet/core';

/** A value in optimizer state or a parameter group: tensors, numbers, flags, and nestings of them. */
export type StateValue = Tensor | number | boolean | string | null | undefined | readonly StateValue[] | { readonly [key: string]: StateValue };

/** Per-parameter optimizer state (e.g. `{ momentumBuffer }` for SGD), keyed in camelCase. */
export type ParamState = Record<string, StateValue>;

/** One parameter group as saved in a state dict: options in PyTorch's names, params as indices. */
export interface StateDictGroup {
  /** Indices of the group's parameters, numbered across groups in order. */
  params: number[];
  /** The group's options under PyTorch's names (`lr`, `weight_decay`, `initial_lr`, ...). */
  [option: string]: StateValue;
}

/**
 * PyTorch's optimizer state dict. `state` is keyed by parameter index (object keys, so `"0"` and
 * `0` are the same); parameters without state have no entry. Tensors are the optimizer's live
 * tensors, as in PyTorch: clone them to snapshot, or load the dict (loading copies).
 */
export interface OptimizerStateDict {
  /** Per-parameter state, keyed by parameter index, with PyTorch's key names. */
  state: Record<number, Record<string, StateValue>>;
  /** Every parameter group's options and parameter indices. */
  param_groups: StateDictGroup[];
}

/** `weightDecay` → `weight_decay`, `initialLr` → `initial_lr`, `expAvgSq` → `exp_avg_sq`. */
export function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `weight_decay` → `weightDecay`: the inverse of `toSnakeCase` on snake_case keys. */
export function toCamelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** A structural copy of plain values (arrays and objects copied, tensors kept as they are). */
export function copyPlain(value: StateValue): StateValue {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (value !== null && typeof value === 'object' && !(value instanceof Tensor)) {
    const out: Record<string, StateValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyPlain(v as StateValue);
    return out;
  }
  return value;
}

/**
 * PyTorch's `load_state_dict` cast: a deep copy in which every tensor is copied and, unless it
 * sits under the key `step` (PyTorch issue 74424), cast to the parameter's dtype when the
 * parameter is floating point. Array elements have no key, so they are always cast.
 */
export function castToParam(param: Tensor, value: StateValue, key?: string): StateValue {
  if (value instanceof Tensor) {
    return noGrad(() => {
      const cast = key !== 'step' && (param.dtype === 'float32' || param.dtype === 'float64') ? value.to(param.dtype) : value;
      // `to` returns the tensor itself when the dtype already matches: copy so nothing is shared
      return (cast === value ? value.clone() : cast).detach();
    });
  }
  if (Array.isArray(value)) return value.map((v) => castToParam(param, v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, StateValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = castToParam(param, v as StateValue, k);
    return out;
  }
  return value;
}

/** Throws unless `sd` has PyTorch's state-dict shape; returns it typed. */
export function checkStateDictShape(sd: unknown): OptimizerStateDict {
  if (sd === null || typeof sd !== 'object') throw new ArgumentError('loadStateDict: expected a state dict object { state, param_groups }');
  const { state, param_groups: groups } = sd as Record<string, unknown>;
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw new ArgumentError("loadStateDict: the state dict has no 'state' object (expected { state: { [index]: {...} }, param_groups: [...] })");
  }
  if (!Array.isArray(groups)) {
    throw new ArgumentError("loadStateDict: the state dict has no 'param_groups' array (PyTorch's key name, not 'paramGroups')");
  }
  groups.forEach((g, i) => {
    if (g === null || typeof g !== 'object' || !Array.isArray((g as StateDictGroup).params)) {
      throw new ArgumentError(`loadStateDict: param_groups[${i}] must be an object with a 'params' array of indices`);
    }
    for (const index of (g as StateDictGroup).params) {
      if (!Number.isInteger(index) || index < 0) {
        throw new ArgumentError(`loadStateDict: param_groups[${i}].params must hold non-negative integer indices, got ${String(index)}`);
      }
    }
  });
  for (const [k, v] of Object.entries(state)) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ArgumentError(`loadStateDict: state[${k}] must be an object`);
  }
  return sd as OptimizerStateDict;
}
