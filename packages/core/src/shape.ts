// Shape arithmetic: sizes, strides, broadcasting and dim normalisation. Pure functions on
// number arrays; nothing here allocates tensors.
import { ArgumentError, DimError, ShapeError, fmtShape } from './errors.js';

/** Number of elements of a shape. */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

const EMPTY: readonly number[] = Object.freeze([]);
const STRIDES_1: readonly number[] = Object.freeze([1]);

/** Row-major (C-contiguous) strides of a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const n = shape.length;
  if (n === 0) return EMPTY as number[];
  if (n === 1) return STRIDES_1 as number[];
  const strides = new Array<number>(n);
  let s = 1;
  for (let i = n - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

/** True when `strides` are the row-major strides of `shape` (size-1 dims may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const size = shape[i];
    if (size === 0) return true;
    if (size !== 1) {
      if (strides[i] !== expected) return false;
      expected *= size;
    }
  }
  return true;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks and copies a user-given size list: whole, non-negative numbers. */
export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape)) throw new ArgumentError(`${where}: size must be an array of integers, got ${describe(shape)}`);
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      throw new ArgumentError(`${where}: size must contain only integers, but element ${i} is ${describe(s)} in ${describe(shape)}`);
    }
    if (s < 0) throw new ShapeError(`Trying to create tensor with negative dimension ${s}: ${fmtShape(shape as number[])}`);
    out[i] = s;
  }
  return out;
}

/** Short description of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** Wraps a possibly negative dim into `[0, ndim)`, with PyTorch's IndexError message. */
export function normalizeDim(dim: number, ndim: number, where = ''): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    throw new ArgumentError(`${where ? `${where}: ` : ''}dim must be an integer, got ${describe(dim)}`);
  }
  const n = Math.max(ndim, 1); // a zero-dim tensor accepts dims -1 and 0, as in PyTorch
  if (dim < -n || dim >= n) {
    throw new DimError(`${where ? `${where}(): ` : ''}Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Normalises a list of dims and rejects repeats (`sum(dims)`, `permute`). */
export function normalizeDims(dims: readonly number[], ndim: number, where: string): number[] {
  const out = dims.map((d) => normalizeDim(d, ndim, where));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new DimError(`${where}(): dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out;
}

/** The broadcast shape of two shapes, or PyTorch's error naming the first mismatching dim. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a === b) return a;
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new ShapeError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if expanded to `target` (0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const n = target.length;
  const lead = n - shape.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    out[i] = i < lead || shape[i - lead] === 1 ? 0 : strides[i - lead];
  }
  return out;
}

/** Resolves a `-1` in a reshape target and checks the element count. */
export function inferShape(shape: readonly number[], numel: number): number[] {
  let infer = -1;
  let known = 1;
  const out = shape.slice();
  for (let i = 0; i < out.length; i++) {
    const s = out[i];
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      throw new ArgumentError(`reshape: size must contain only integers, got ${describe(shape)}`);
    }
    if (s === -1) {
      if (infer >= 0) throw new ShapeError('only one dimension can be inferred');
      infer = i;
    } else if (s < 0) {
      throw new ShapeError(`invalid shape dimension ${s}`);
    } else known *= s;
  }
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new ShapeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
    }
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new ShapeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
  }
  return out;
}

/**
 * Strides for viewing a tensor of `oldShape`/`oldStrides` as `newShape` without copying, or
 * null when the memory layout does not allow it (PyTorch's `computeStride`).
 */
export function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | null {
  if (oldShape.length === 0) return newShape.map(() => 1);
  const numel = numelOf(oldShape);
  if (numel === 0) return sameShape(oldShape, newShape) ? oldStrides.slice() : contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD];
    if (tensorD === 0 || (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = oldStrides[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

/** Shape and per-operand strides after merging mergeable dims and dropping size-1 dims. */
export interface Coalesced {
  shape: number[];
  strides: number[][];
}

/** Merges adjacent dims where every operand's stride allows it, and drops size-1 dims. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  const k = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let j = 0; merge && j < k; j++) {
      // dim `last` (outer) merges with d (inner) when outer stride = inner stride × inner size
      if (outStrides[j][last] !== strides[j][d] * size) merge = false;
    }
    if (merge) {
      outShape[last] *= size;
      for (let j = 0; j < k; j++) outStrides[j][last] = strides[j][d];
    } else {
      outShape.push(size);
      for (let j = 0; j < k; j++) outStrides[j].push(strides[j][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}
