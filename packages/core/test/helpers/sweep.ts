// The bad-input sweep: each public function gets a list of argument slots, each slot a kind
// (tensor, dim, size, ...) and a valid value; the sweep calls the function once per bad value of
// each slot (the others valid) and requires the documented typed error with a message that says
// what was wrong. Shared by core, nn and optim (which import it by relative path).
import { expect } from 'vitest';
import { ArgumentError, DimError, DTypeError, GradModeError, ShapeError, TorchletError } from '@torchlet/core';

type ErrorClass = abstract new (...args: any[]) => Error;

/** One bad call: the value, the error class it must raise, and what the message must say. */
export interface BadValue {
  label: string;
  value: () => unknown;
  error: ErrorClass;
  message: RegExp;
}

/** An argument slot: its valid value and the bad values to try in it. */
export interface Slot {
  valid: () => unknown;
  bad: BadValue[];
}

const TYPE_MSG = /must be|must contain|expected|got|not a|should be|invalid|unknown/i;

export const bad = (label: string, value: () => unknown, error: ErrorClass, message: RegExp): BadValue => ({ label, value, error, message });

/** Wrong JavaScript types where a Tensor is required. */
export function tensorSlot(valid: () => unknown, extra: BadValue[] = []): Slot {
  return {
    valid,
    bad: [
      bad('undefined', () => undefined, ArgumentError, /Tensor/),
      bad('null', () => null, ArgumentError, /Tensor/),
      bad('a string', () => 'x', ArgumentError, /Tensor/),
      bad('a plain object', () => ({ shape: [1] }), ArgumentError, /Tensor/),
      bad('a nested array', () => [[1, 2]], ArgumentError, /Tensor/),
      ...extra,
    ],
  };
}

/** Where a Tensor or a number is accepted. */
export function operandSlot(valid: () => unknown, extra: BadValue[] = []): Slot {
  return {
    valid,
    bad: [
      bad('undefined', () => undefined, ArgumentError, /Tensor/),
      bad('a string', () => '1', ArgumentError, /Tensor/),
      bad('a boolean', () => true, ArgumentError, /Tensor|number|boolean/),
      bad('an array', () => [1], ArgumentError, /Tensor/),
      ...extra,
    ],
  };
}

/** A dim of a tensor with `nd` dims (`undefined` only when `required`). */
export function dimSlot(nd: number, valid: () => unknown = () => 0, required = true): Slot {
  const n = Math.max(nd, 1);
  return {
    valid,
    bad: [
      bad(`dim ${n} (out of range)`, () => n, DimError, /out of range/i),
      bad(`dim ${-n - 1} (out of range)`, () => -n - 1, DimError, /out of range/i),
      bad('a fractional dim', () => 0.5, ArgumentError, /integer|dim/i),
      bad('a NaN dim', () => NaN, ArgumentError, /integer|dim/i),
      bad('a string dim', () => '0', ArgumentError, /integer|dim|number/i),
      ...(required ? [bad('an undefined dim', () => undefined, ArgumentError, /integer|dim|number/i)] : []),
    ],
  };
}

/** A size list (shape) for a new tensor; a number is accepted as a 1-d size where `numberOk`. */
export function sizeSlot(valid: () => unknown = () => [2, 3]): Slot {
  return {
    valid,
    bad: [
      bad('a negative size', () => [2, -1], ShapeError, /negative dimension -1/),
      bad('a fractional size', () => [1.5], ArgumentError, /integer/),
      bad('a NaN size', () => [NaN], ArgumentError, /integer/),
      bad('an Infinity size', () => [Infinity], ArgumentError, /integer/),
      bad('a string in the size', () => ['2'], ArgumentError, /integer/),
      bad('a string size', () => 'x', ArgumentError, /size|integer/i),
      bad('undefined', () => undefined, ArgumentError, /size|integer/i),
      bad('a size too large to allocate', () => [1 << 20, 1 << 20, 1 << 10], ShapeError, /can't allocate memory: you tried to allocate \d+ bytes/),
    ],
  };
}

/** A whole count (steps, n, ...): negative, fractional, NaN and non-numbers are errors. */
export function countSlot(valid: () => unknown, tooLarge = true, negative: ErrorClass = ArgumentError): Slot {
  return {
    valid,
    bad: [
      bad('a negative count', () => -1, negative, /-1/),
      bad('a fractional count', () => 2.5, ArgumentError, /integer/i),
      bad('a NaN count', () => NaN, ArgumentError, /integer|number/i),
      bad('a string count', () => '3', ArgumentError, /integer|number/i),
      ...(tooLarge ? [bad('a count too large to allocate', () => 2 ** 45, ShapeError, /can't allocate memory/)] : []),
    ],
  };
}

/** A number that must be a number (a fill value, a bound, a probability...). */
export function numberSlot(valid: () => unknown, extra: BadValue[] = [], optional = false): Slot {
  return {
    valid,
    bad: [
      bad('a string', () => '1', ArgumentError, TYPE_MSG),
      bad('an object', () => ({}), ArgumentError, TYPE_MSG),
      ...(optional ? [] : [bad('undefined', () => undefined, ArgumentError, TYPE_MSG)]),
      ...extra,
    ],
  };
}

/** `{ dtype }` options: an unknown dtype or a non-object. */
export function optionsSlot(valid: () => unknown = () => undefined): Slot {
  return {
    valid,
    bad: [
      bad('an unknown dtype', () => ({ dtype: 'float16' }), DTypeError, /unknown dtype "float16"/),
      bad('options that are a string', () => 'float64', ArgumentError, /options must be an object/),
    ],
  };
}

/** A callback of a grad-mode scope. */
export function callbackSlot(valid: () => unknown): Slot {
  return {
    valid,
    bad: [
      bad('a string', () => 'fn', GradModeError, /function/),
      bad('a number', () => 1, GradModeError, /function/),
    ],
  };
}

/** A slot whose value is not checked beyond what other slots' bad values exercise. */
export const fixed = (valid: () => unknown): Slot => ({ valid, bad: [] });

/** A sweep entry: the call and its argument slots, plus bad calls that need more than one slot. */
export interface Entry {
  call: (...args: any[]) => unknown;
  slots: Slot[];
  /** Whole bad calls: mismatched dtypes or shapes between arguments, and the like. */
  calls?: [label: string, run: () => unknown, error: ErrorClass, message: RegExp][];
}

/** Runs one bad call and checks what it threw. */
export function expectTyped(label: string, run: () => unknown, error: ErrorClass, message: RegExp): void {
  let thrown: unknown = undefined;
  let returned: unknown = undefined;
  const t0 = performance.now();
  try {
    returned = run();
  } catch (e) {
    thrown = e;
  }
  const ms = performance.now() - t0;
  if (thrown === undefined) throw new Error(`${label}: returned ${String(returned)} instead of throwing ${error.name}`);
  if (!(thrown instanceof TorchletError) || !(thrown instanceof error)) {
    throw new Error(`${label}: threw ${(thrown as Error)?.constructor?.name}: ${(thrown as Error)?.message} — expected a ${error.name}`);
  }
  expect((thrown as Error).message, label).toMatch(message);
  // a helpful message says something: at least a short sentence
  expect((thrown as Error).message.length, `${label}: message too short: ${(thrown as Error).message}`).toBeGreaterThanOrEqual(15);
  expect(ms, `${label}: took ${ms.toFixed(0)} ms to fail`).toBeLessThan(1000);
}

let swept = 0;
/** Bad calls made so far in this file (printed by each sweep file, for the CI log). */
export const sweptCalls = (): number => swept;

/** Every bad call of an entry: one per bad value per slot, then the entry's whole calls. Returns the count. */
export function sweepEntry(name: string, entry: Entry): number {
  let count = 0;
  entry.slots.forEach((slot, i) => {
    for (const b of slot.bad) {
      const args = entry.slots.map((s, j) => (j === i ? b.value() : s.valid()));
      expectTyped(`${name}: argument ${i} ${b.label}`, () => entry.call(...args), b.error, b.message);
      count++;
    }
  });
  for (const [label, run, error, message] of entry.calls ?? []) {
    expectTyped(`${name}: ${label}`, run, error, message);
    count++;
  }
  // the valid call itself works: the sweep tests the bad values, not a broken baseline
  entry.call(...entry.slots.map((s) => s.valid()));
  swept += count;
  return count;
}

/** The functions and classes a module exports, with namespace objects expanded (`functional.relu`). */
export function publicNames(mod: Record<string, unknown>, namespaces: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(mod)) {
    if (namespaces.includes(k) && typeof v === 'object' && v !== null) {
      for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'function') out.push(`${k}.${k2}`);
    } else if (typeof v === 'function') out.push(k);
  }
  return out.sort();
}
