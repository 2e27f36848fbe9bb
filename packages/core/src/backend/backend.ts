// The kernel interface. Kernels work on raw typed arrays with shapes, strides and offsets and
// know nothing of tensors or autograd; ops (src/ops) call them through `kernels()`.
import type { TypedArray } from '../dtype.js';

/** Elementwise functions of one operand. */
export type UnaryKernel =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'relu' | 'sigmoid' | 'tanh' | 'sign' | 'reciprocal'
  | 'sin' | 'cos' | 'log1p' | 'expm1' | 'erf' | 'floor' | 'ceil' | 'round' | 'trunc' | 'square'
  | 'logicalNot' | 'isnan' | 'isfinite' | 'identity';

/** Elementwise functions of two operands. Comparisons write 1/0. */
export type BinaryKernel =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'atan2'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'logicalAnd' | 'logicalOr' | 'logicalXor' | 'imul';

/** Reductions that fold an axis into one value. */
export type ReduceKernel = 'sum' | 'max' | 'min' | 'prod';

/**
 * A strided operand: `data[offset + Σ index[d]·strides[d]]`. `version` changes whenever the
 * storage is modified in place, so a backend may cache a copy of `data` (e.g. in WebAssembly
 * memory) keyed by the array and this version.
 */
export interface StridedArray {
  readonly data: TypedArray;
  readonly offset: number;
  readonly strides: readonly number[];
  readonly version?: number;
}

/** A matrix operand of a (batched) matmul: element (b, i, j) is at `offset + b·batch + i·row + j·col`. */
export interface MatrixOperand {
  readonly data: TypedArray;
  /** Storage version, as in `StridedArray`. */
  readonly version?: number;
  readonly offset: number;
  readonly batchStride: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** What a kernel backend provides. Every method writes into a caller-allocated `out`. */
export interface Backend {
  /** Name reported by `getBackend()`. */
  readonly name: string;
  /** `out[i] = op(x[i])` over `shape`; `out` is contiguous. */
  unary(op: UnaryKernel, x: StridedArray, shape: readonly number[], out: TypedArray): void;
  /** `out[i] = op(a[i], b[i])` over `shape`; strides are already broadcast (0 on broadcast dims). */
  binary(op: BinaryKernel, a: StridedArray, b: StridedArray, shape: readonly number[], out: TypedArray): void;
  /** `out[i] = op(a[i], s)`, or `op(s, a[i])` when `scalarFirst`. */
  binaryScalar(op: BinaryKernel, a: StridedArray, s: number, scalarFirst: boolean, shape: readonly number[], out: TypedArray): void;
  /** Copies a strided view into contiguous `out`, converting the element type if they differ. */
  copy(x: StridedArray, shape: readonly number[], out: TypedArray): void;
  /** Copies `src` into the strided `dst` element by element (both of `shape`; `src` may broadcast). */
  assign(dst: StridedArray, src: StridedArray, shape: readonly number[]): void;
  /**
   * Folds `x` (of `shape`) into `out` using `outStrides`, which are 0 on reduced dims. `out` is
   * a float64 accumulator the caller has filled with the identity (0, 1, ±Infinity).
   */
  reduce(op: ReduceKernel, x: StridedArray, shape: readonly number[], outStrides: readonly number[], out: Float64Array): void;
  /** Index of the first maximum (or minimum) along the middle axis of a contiguous `[outer, size, inner]` array. */
  argReduce(op: 'argmax' | 'argmin', x: TypedArray, outer: number, size: number, inner: number, out: Int32Array): void;
  /** Softmax (or log-softmax) along the middle axis of a contiguous `[outer, size, inner]` array. */
  softmax(x: TypedArray, outer: number, size: number, inner: number, log: boolean, out: TypedArray): void;
  /**
   * `out[b] = a[b] · b[b]` for `batch` matrices of `m×k` and `k×n`; `out` is contiguous
   * `[batch, m, n]` and freshly allocated by the caller (storage version 0), so a backend may
   * keep the result as a cached copy of `out`.
   */
  matmul(a: MatrixOperand, b: MatrixOperand, batch: number, m: number, k: number, n: number, out: TypedArray): void;
  /** `out[i] = cond[i] ? a[i] : b[i]` with broadcast strides. */
  where(cond: StridedArray, a: StridedArray, b: StridedArray, shape: readonly number[], out: TypedArray): void;
  /**
   * Optional fused linear layer: `out = matmul(a, b)`, then `out[.., i, j] += bias[offset + j·strides[0]]`
   * (when `bias` is given), then relu (when `relu`) — bit for bit what matmul, add and relu give
   * one after another, without the intermediate copies. For `nn.Linear` (x·Wᵀ + b). `out` is
   * fresh, as for `matmul`.
   */
  linear?(a: MatrixOperand, b: MatrixOperand, bias: StridedArray | null, relu: boolean, batch: number, m: number, k: number, n: number, out: TypedArray): void;
  /**
   * Optional in-place `y[i] = y[i] + alpha·x[i]` over `shape` (x may broadcast), computed in
   * float64 and rounded once to y's dtype: PyTorch's `y.add_(x, alpha=alpha)` (a fused
   * multiply-add on CPU), i.e. the SGD/Adam update without temporaries. PyTorch casts `alpha`
   * to y's dtype first, so pass `Math.fround(alpha)` for float32. The caller increments y's
   * storage version by exactly one afterwards (a backend may keep its copy of y as that version).
   */
  axpy?(alpha: number, x: StridedArray, y: StridedArray, shape: readonly number[]): void;
}
