// Argument checks and small helpers shared by the op files.
import type { StridedArray } from '../backend/backend.js';
import { type DType, isFloating, resultType, scalarDType } from '../dtype.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { describe } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A tensor or a number. */
export type TensorOrScalar = Tensor | number;

/** The kernel view of a tensor. */
export function strided(t: Tensor): StridedArray {
  return { data: t._data, offset: t._offset, strides: t._strides, version: t._version === null ? 0 : t._version.value };
}

/** The kernel view of `t` read as if broadcast to `shape`. */
export function stridedAs(t: Tensor, shape: readonly number[]): StridedArray {
  if (t.shape === shape) return strided(t);
  const lead = shape.length - t.shape.length;
  const strides = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) strides[i] = i < lead || t.shape[i - lead] !== shape[i] ? 0 : t._strides[i - lead];
  return { data: t._data, offset: t._offset, strides, version: t._version === null ? 0 : t._version.value };
}

/** Throws unless `x` is a Tensor. */
export function checkTensor(x: unknown, op: string, arg = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}(): argument '${arg}' must be a Tensor, not ${describe(x)}`);
}

/** Throws unless `x` is a Tensor or a number. */
export function checkOperand(x: unknown, op: string, arg = 'other'): asserts x is TensorOrScalar {
  if (typeof x === 'number') return;
  if (typeof x === 'boolean') throw new ArgumentError(`${op}(): argument '${arg}' must be a Tensor or a number, not a boolean (use 1/0 or a bool tensor)`);
  checkTensor(x, op, arg);
}

/** PyTorch's result dtype of a binary op on `a` and `b`. */
export function binaryDType(a: Tensor, b: TensorOrScalar): DType {
  // fast paths for the common cases: a float tensor with a number, or two tensors of one dtype
  const ad = a.dtype;
  if (typeof b === 'number' ? ad === 'float32' || ad === 'float64' : b.dtype === ad) return ad;
  return typeof b === 'number'
    ? resultType(a.dtype, a.shape.length, scalarDType(b), 0, true)
    : resultType(a.dtype, a.shape.length, b.dtype, b.shape.length, false);
}

/** The floating dtype an op on `dtype` computes in: itself if floating, else float32. */
export function floatDType(dtype: DType): DType {
  return isFloating(dtype) ? dtype : 'float32';
}

/** Throws a DTypeError for math that has no meaning on bool tensors. */
export function rejectBool(x: Tensor, op: string): void {
  if (x.dtype === 'bool') {
    throw new DTypeError(`${op}(): not supported for bool tensors; convert first, e.g. x.float().${op}()`);
  }
}

/** A scalar operand as the op computes it: rounded to float32 when the result is float32, as PyTorch does. */
export function scalarFor(value: number, dtype: DType): number {
  return dtype === 'float32' ? Math.fround(value) : value;
}
