// Data types, their storage arrays, and PyTorch's type-promotion rules.
import { DTypeError } from './errors.js';

/** Element type of a tensor. `float32` is the default, as in PyTorch. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array that stores each dtype (`bool` is stored as 0/1 bytes). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Constructors of the storage array for each dtype. */
export const ARRAY_TYPE = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/** Bytes per element of each dtype. */
export const ITEM_SIZE: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** PyTorch's printed name of a dtype, e.g. `torch.float64`. */
export function torchDTypeName(dtype: DType): string {
  return `torch.${dtype}`;
}

const SCALAR_TYPE_NAME: Record<DType, string> = { float32: 'Float', float64: 'Double', int32: 'Int', bool: 'Bool' };

/** PyTorch's ScalarType name of a dtype as its kernels' messages print it, e.g. `Float`, `Double`. */
export function scalarTypeName(dtype: DType): string {
  return SCALAR_TYPE_NAME[dtype];
}

/** True for float32 and float64: the dtypes that can require gradients. */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Throws unless `value` names a supported dtype. */
export function checkDType(value: unknown, where: string): DType {
  if (typeof value === 'string' && (DTYPES as readonly string[]).includes(value)) return value as DType;
  throw new DTypeError(`${where}: unknown dtype ${JSON.stringify(value)}; expected one of ${DTYPES.join(', ')}`);
}

/** The dtype of the storage array `data`. */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

// Category order used by promotion: bool < integral < floating.
const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };
const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** The higher of two dtypes in PyTorch's promotion lattice (for our four dtypes, a total order). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype PyTorch gives a JavaScript number used as an operand: integral or floating. */
export function scalarDType(value: number | boolean): DType {
  if (typeof value === 'boolean') return 'bool';
  return Number.isInteger(value) ? 'int32' : 'float32';
}

/**
 * PyTorch's `result_type` for a binary op. Operands are ranked: tensors with dims, then
 * zero-dim tensors, then plain numbers. A lower-ranked operand only changes the result when it
 * is of a higher category (bool < integer < float): `int32 tensor + 1.5` is float32, but
 * `float32 tensor + float64 zero-dim tensor` stays float32.
 */
export function resultType(aDType: DType, aDims: number, bDType: DType, bDims: number, bIsScalar: boolean): DType {
  const aRank = aDims > 0 ? 2 : 1;
  const bRank = bIsScalar ? 0 : bDims > 0 ? 2 : 1;
  if (aRank === bRank) return promoteTypes(aDType, bDType);
  const aHigher = aRank > bRank;
  const hi = aHigher ? aDType : bDType;
  const lo = aHigher ? bDType : aDType;
  const loIsScalar = aHigher ? false : bIsScalar;
  if (CATEGORY[lo] <= CATEGORY[hi]) return hi;
  // A higher category from a lower-ranked operand: numbers take the default dtype of their kind.
  if (loIsScalar) return lo === 'float32' || lo === 'float64' ? 'float32' : lo;
  return lo;
}
