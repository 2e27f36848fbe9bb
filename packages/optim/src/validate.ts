// Hyper-parameter checks with PyTorch's messages. Each optimizer runs them on every group when it
// is added, when a state dict is loaded and again before every step: groups are plain mutable
// objects (schedulers and users write `group.lr`), and a bad value must fail before anything moves.
import { ArgumentError } from '@torchlet/core';

/** Throws unless `value` is a number (NaN included, so the range checks can name it). */
export function checkNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') {
    throw new ArgumentError(`optimizer option '${name}' must be a number, got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new ArgumentError(`optimizer option '${name}' must be a boolean, got ${describeValue(value)}`);
  }
}

/**
 * Throws `message: value` unless `value >= 0`. Written as `!(value >= 0)` so NaN is rejected too
 * (PyTorch's `not 0.0 <= x` does the same; SGD's `x < 0.0` lets NaN through, which we do not).
 */
export function checkNonNegative(value: unknown, name: string, message: string): void {
  checkNumber(value, name);
  if (!(value >= 0)) throw new ArgumentError(`${message}: ${formatNumber(value)}`);
}

/** Adam's `betas`: a pair with each entry in [0, 1). */
export function checkBetas(value: unknown): asserts value is [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new ArgumentError(`optimizer option 'betas' must be a pair [beta1, beta2], got ${describeValue(value)}`);
  }
  for (let i = 0; i < 2; i++) {
    checkNumber(value[i], `betas[${i}]`);
    if (!(value[i] >= 0 && value[i] < 1)) throw new ArgumentError(`Invalid beta parameter at index ${i}: ${formatNumber(value[i])}`);
  }
}

/** A number as Python's `str()` would print it where it matters for messages (`nan`, `inf`). */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

/** A short description of an unexpected value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
