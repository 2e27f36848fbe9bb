// Creation functions (torch.tensor, zeros, ones, full, arange, linspace, eye, rand, randn, ...)
// and conversion back to nested arrays. Creation is unaffected by grad mode, as in PyTorch;
// inside inference mode it makes inference tensors.
import { produced } from './autograd/record.js';
import { checkDType, type DType, dtypeOfArray, isFloating, type TypedArray } from './dtype.js';
import { ArgumentError, AutogradError, DTypeError, ShapeError, fmtShape } from './errors.js';
import { checkShape, contiguousStrides, describe, numelOf } from './shape.js';
import { adoptStorage, allocate } from './storage.js';
import { Tensor } from './tensor.js';
import { fillNormal, fillUniform, randomInt } from './random.js';

/** Options accepted by creation functions. */
export interface TensorOptions {
  /** Element type; default float32 (bool for boolean data, the array's type for typed arrays). */
  dtype?: DType;
  /** Make a leaf that records operations for autograd (floating dtypes only). */
  requiresGrad?: boolean;
}

/** Nested arrays of numbers or booleans, as accepted by `tensor()`. */
export type NestedArray = number | boolean | readonly NestedArray[];

function finish(t: Tensor, opts: TensorOptions | undefined): Tensor {
  produced(t);
  if (opts?.requiresGrad) {
    if (!isFloating(t.dtype)) throw new AutogradError(`only Tensors of floating point dtype can require gradients (got ${t.dtype})`);
    t._requiresGrad = true;
  }
  return t;
}

function dtypeOpt(opts: TensorOptions | undefined, fallback: DType, where: string): DType {
  if (opts !== undefined && (typeof opts !== 'object' || opts === null)) throw new ArgumentError(`${where}: options must be an object, got ${describe(opts)}`);
  return opts?.dtype === undefined ? fallback : checkDType(opts.dtype, where);
}

function fromArray(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(data, shape, contiguousStrides(shape), 0, dtype);
}

/** Shape of nested arrays, checking they are rectangular. */
function nestedShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function flattenInto(data: NestedArray, shape: readonly number[], dim: number, out: number[], flags: { bool: boolean; num: boolean }): void {
  if (dim === shape.length) {
    if (typeof data === 'number') flags.num = true;
    else if (typeof data === 'boolean') flags.bool = true;
    else throw new ArgumentError(`tensor(): expected a number or boolean at depth ${dim}, got ${describe(data)}`);
    out.push(Number(data));
    return;
  }
  if (!Array.isArray(data)) throw new ShapeError(`tensor(): expected sequence of length ${shape[dim]} at dim ${dim} (got a scalar)`);
  if (data.length !== shape[dim]) throw new ShapeError(`tensor(): expected sequence of length ${shape[dim]} at dim ${dim} (got ${data.length})`);
  for (const item of data) flattenInto(item, shape, dim + 1, out, flags);
}

/**
 * A new tensor from a number, a boolean, nested arrays, or a typed array with `{ shape }`
 * (`torch.tensor`). Numbers give float32 unless `dtype` says otherwise; booleans give bool;
 * typed arrays keep their type. The data is always copied.
 */
export function tensor(data: NestedArray | TypedArray | Tensor, opts?: TensorOptions & { shape?: readonly number[] }): Tensor {
  if (data instanceof Tensor) {
    const dtype = dtypeOpt(opts, data.dtype, 'tensor');
    return finish(copyAs(data.detach(), dtype), opts);
  }
  if (ArrayBuffer.isView(data)) {
    const arr = data as TypedArray;
    const kind = [Float32Array, Float64Array, Int32Array, Uint8Array].find((C) => arr instanceof C);
    if (kind === undefined) throw new ArgumentError(`tensor(): unsupported typed array ${describe(data)}; use Float32Array, Float64Array, Int32Array or Uint8Array (bool)`);
    const dtype = dtypeOpt(opts, dtypeOfArray(arr), 'tensor');
    const shape = opts?.shape === undefined ? [arr.length] : checkShape(opts.shape, 'tensor');
    if (numelOf(shape) !== arr.length) throw new ShapeError(`tensor(): shape ${fmtShape(shape)} needs ${numelOf(shape)} elements but the array has ${arr.length}`);
    const copy = allocate(dtype, arr.length);
    if (dtype === 'bool') for (let i = 0; i < arr.length; i++) copy[i] = arr[i] !== 0 ? 1 : 0;
    else copy.set(arr as never);
    return finish(fromArray(copy, shape, dtype), opts);
  }
  if (typeof data !== 'number' && typeof data !== 'boolean' && !Array.isArray(data)) {
    throw new ArgumentError(`tensor(): could not infer a tensor from ${describe(data)}; pass a number, a boolean, nested arrays or a typed array`);
  }
  const shape = nestedShape(data);
  if (opts?.shape !== undefined && (opts.shape.length !== shape.length || opts.shape.some((s, i) => s !== shape[i]))) {
    // `shape` describes a flat typed array; nested arrays carry their own shape
    throw new ShapeError(`tensor(): shape ${fmtShape(opts.shape)} does not match the shape ${fmtShape(shape)} of the nested arrays; reshape with .reshape() instead`);
  }
  const flat: number[] = [];
  const flags = { bool: false, num: false };
  flattenInto(data, shape, 0, flat, flags);
  const dtype = dtypeOpt(opts, flags.bool && !flags.num ? 'bool' : 'float32', 'tensor');
  const storage = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) storage[i] = dtype === 'bool' ? (flat[i] !== 0 ? 1 : 0) : flat[i];
  return finish(fromArray(storage, shape, dtype), opts);
}

function copyAs(src: Tensor, dtype: DType): Tensor {
  const out = allocate(dtype, src.numel());
  const c = src.contiguous();
  const view = c._data.subarray(c._offset, c._offset + out.length);
  if (dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = view[i] !== 0 ? 1 : 0;
  else out.set(view as never);
  return fromArray(out, src.shape.slice(), dtype);
}

function sizeArg(shape: unknown, where: string): number[] {
  return checkShape(typeof shape === 'number' ? [shape] : shape, where);
}

/** A tensor of `shape` filled with `value` (`torch.full`); booleans give a bool tensor. */
export function full(shape: readonly number[] | number, value: number | boolean, opts?: TensorOptions): Tensor {
  const s = sizeArg(shape, 'full');
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new ArgumentError(`full(): fill value must be a number or boolean, got ${describe(value)}`);
  const dtype = dtypeOpt(opts, typeof value === 'boolean' ? 'bool' : 'float32', 'full');
  const data = allocate(dtype, numelOf(s));
  const v = Number(value);
  if (v !== 0) data.fill(dtype === 'bool' ? 1 : v);
  return finish(fromArray(data, s, dtype), opts);
}

/** A tensor of zeros (`torch.zeros`). */
export function zeros(shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  return full(shape, 0, opts);
}

/** A tensor of ones (`torch.ones`). */
export function ones(shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  return full(shape, 1, opts);
}

/** Uninitialised in PyTorch; zero-filled here (`torch.empty`). */
export function emptyTensor(shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  return full(shape, 0, opts);
}

function likeOpts(t: Tensor, opts: TensorOptions | undefined, where: string): TensorOptions {
  if (!(t instanceof Tensor)) throw new ArgumentError(`${where}(): argument 'input' must be a Tensor, not ${describe(t)}`);
  if (opts !== undefined && (typeof opts !== 'object' || opts === null)) throw new ArgumentError(`${where}: options must be an object, got ${describe(opts)}`);
  return { dtype: opts?.dtype ?? t.dtype, requiresGrad: opts?.requiresGrad };
}

/** Zeros with `t`'s shape and dtype (`torch.zeros_like`). */
export function zerosLike(t: Tensor, opts?: TensorOptions): Tensor {
  const o = likeOpts(t, opts, 'zerosLike');
  return full(t.shape.slice(), 0, o);
}

/** Ones with `t`'s shape and dtype (`torch.ones_like`). */
export function onesLike(t: Tensor, opts?: TensorOptions): Tensor {
  const o = likeOpts(t, opts, 'onesLike');
  return full(t.shape.slice(), 1, o);
}

/** `value` with `t`'s shape and dtype (`torch.full_like`). */
export function fullLike(t: Tensor, value: number, opts?: TensorOptions): Tensor {
  const o = likeOpts(t, opts, 'fullLike');
  return full(t.shape.slice(), value, o);
}

/**
 * Values from `start` up to (not including) `end` by `step` (`torch.arange`); `arange(n)` is
 * `0..n-1`. Integer arguments give int32 (PyTorch: int64), otherwise float32.
 */
export function arange(start: number, end?: number, step = 1, opts?: TensorOptions): Tensor {
  if (end === undefined) [start, end] = [0, start];
  for (const [name, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`arange(): ${name} must be a finite number, got ${describe(v)}`);
  }
  if (step === 0) throw new ArgumentError('arange(): step must be nonzero');
  if ((end - start) / step < 0) throw new ArgumentError('arange(): upper bound and larger bound inconsistent with step sign');
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = dtypeOpt(opts, allInt ? 'int32' : 'float32', 'arange');
  const n = Math.ceil((end - start) / step);
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(fromArray(data, [n], dtype), opts);
}

/** `steps` evenly spaced values from `start` to `end` inclusive (`torch.linspace`). */
export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  if (typeof start !== 'number' || typeof end !== 'number') throw new ArgumentError(`linspace(): start and end must be numbers, got ${describe(start)} and ${describe(end)}`);
  if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError(`linspace(): number of steps must be a non-negative integer, got ${describe(steps)}`);
  const dtype = dtypeOpt(opts, 'float32', 'linspace');
  const data = allocate(dtype, steps);
  if (steps === 1) data[0] = start;
  else if (steps > 1) {
    // PyTorch fills from both ends so the last value is exactly `end`
    const step = (end - start) / (steps - 1);
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  }
  return finish(fromArray(data, [steps], dtype), opts);
}

/** An `n×m` identity matrix (`torch.eye`); `m` defaults to `n`. */
export function eye(n: number, m: number = n, opts?: TensorOptions): Tensor {
  const shape = checkShape([n, m], 'eye');
  const dtype = dtypeOpt(opts, 'float32', 'eye');
  const data = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(fromArray(data, shape, dtype), opts);
}

function randomFloat(shape: readonly number[] | number, opts: TensorOptions | undefined, where: string): Tensor {
  const s = sizeArg(shape, where);
  const dtype = dtypeOpt(opts, 'float32', where);
  if (!isFloating(dtype)) throw new DTypeError(`${where}(): expected a floating dtype, got ${dtype}`);
  return fromArray(allocate(dtype, numelOf(s)), s, dtype);
}

/** Uniform samples in [0, 1) (`torch.rand`), from the generator seeded by `manualSeed`. */
export function rand(shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  const t = randomFloat(shape, opts, 'rand');
  fillUniform(t._data as Float32Array | Float64Array, 0, 1);
  return finish(t, opts);
}

/** Standard normal samples (`torch.randn`), from the generator seeded by `manualSeed`. */
export function randn(shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  const t = randomFloat(shape, opts, 'randn');
  fillNormal(t._data as Float32Array | Float64Array, 0, 1);
  return finish(t, opts);
}

/** `rand` with `t`'s shape and dtype (`torch.rand_like`). */
export function randLike(t: Tensor, opts?: TensorOptions): Tensor {
  const o = likeOpts(t, opts, 'randLike');
  return rand(t.shape.slice(), o);
}

/** `randn` with `t`'s shape and dtype (`torch.randn_like`). */
export function randnLike(t: Tensor, opts?: TensorOptions): Tensor {
  const o = likeOpts(t, opts, 'randnLike');
  return randn(t.shape.slice(), o);
}

/** Integers uniform in [low, high) (`torch.randint(low, high, size)`), int32. */
export function randint(low: number, high: number, shape: readonly number[] | number, opts?: TensorOptions): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new ArgumentError('randint(): low and high must be integers');
  if (high <= low) throw new ArgumentError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const s = sizeArg(shape, 'randint');
  const dtype = dtypeOpt(opts, 'int32', 'randint');
  const data = allocate(dtype, numelOf(s));
  for (let i = 0; i < data.length; i++) data[i] = randomInt(low, high);
  return finish(fromArray(data, s, dtype), opts);
}

/** A random permutation of `0..n-1` (`torch.randperm`), int32. */
export function randperm(n: number, opts?: TensorOptions): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`randperm(): n must be a non-negative integer, got ${describe(n)}`);
  const dtype = dtypeOpt(opts, 'int32', 'randperm');
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = i;
  // PyTorch's CPU randperm for small n: Fisher-Yates from the front with random() % (n - i)
  for (let i = 0; i < n - 1; i++) {
    const z = i + randomInt(0, n - i);
    const tmp = data[i];
    data[i] = data[z];
    data[z] = tmp;
  }
  return finish(fromArray(data, [n], dtype), opts);
}

/** Nested arrays of `t`'s values (numbers, or booleans for bool tensors). @internal */
export function toNested(t: Tensor): any {
  const isBool = t.dtype === 'bool';
  const read = (off: number) => (isBool ? t._data[off] !== 0 : t._data[off]);
  const build = (dim: number, off: number): any => {
    if (dim === t.shape.length) return read(off);
    const out = new Array(t.shape[dim]);
    for (let i = 0; i < t.shape[dim]; i++) out[i] = build(dim + 1, off + i * t._strides[dim]);
    return out;
  };
  return build(0, t._offset);
}

/** Wraps an existing typed array without copying (internal; used by packages that own the data). @internal */
export function fromStorage(data: TypedArray, shape: readonly number[]): Tensor {
  adoptStorage(data);
  return produced(fromArray(data, shape, dtypeOfArray(data)));
}

