// The Tensor class: strided storage + autograd metadata. Methods are thin: each delegates to
// the op function of the same name (x.add(y) is add(x, y)), so every op is defined once in ops/.
import { AccumulateGrad, type GradHook, type Node } from './autograd/node.js';
import { type DType, isFloating, type TypedArray } from './dtype.js';
import { ArgumentError, AutogradError, ShapeError, fmtShape } from './errors.js';
import { contiguousStrides, isContiguous, numelOf } from './shape.js';
import { allocate } from './storage.js';
import * as E from './ops/elementwise.js';
import * as R from './ops/reduce.js';
import * as M from './ops/movement.js';
import * as I from './ops/index-ops.js';
import { matmul } from './ops/matmul.js';
import { logSoftmax, softmax } from './ops/nn-ops.js';
import * as IP from './ops/inplace.js';
import * as RND from './ops/random-ops.js';
import { backward, type BackwardOptions } from './autograd/functional.js';
import { gradNode } from './autograd/record.js';
import { formatTensor } from './print.js';
import { toNested } from './creation.js';

/** A number or a tensor: what binary ops accept as their second operand. */
export type TensorOrScalar = Tensor | number;

/** Shared by a tensor and its views: bumped by every in-place op. */
export interface VersionCounter {
  value: number;
}

/** Rarely used per-tensor state, allocated on first use to keep tensors small. @internal */
export interface TensorMeta {
  base: Tensor | null;
  accumulator: AccumulateGrad | null;
  retainsGrad: boolean;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * An n-dimensional array with autograd support, PyTorch's `torch.Tensor`. Create tensors with
 * `tensor()`, `zeros()`, `randn()`, ...; the constructor is internal.
 */
export class Tensor {
  /** @internal Storage, shared with views. */
  _data: TypedArray;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** @internal Elements to skip per step in each dimension. */
  _strides: readonly number[];
  /** @internal Index of element [0, ..., 0] in the storage. */
  _offset: number;
  /** Element type. */
  readonly dtype: DType;
  /** @internal */ _requiresGrad = false;
  /** @internal */ _gradFn: Node | null = null;
  /** @internal */ _grad: Tensor | null = null;
  /** @internal Shared with views; created on first view or in-place op. */
  _version: VersionCounter | null = null;
  /** @internal Made in inference mode. */
  _inference = false;
  /** @internal */ _extra: TensorMeta | null = null;

  /** @internal */
  constructor(data: TypedArray, shape: readonly number[], strides: readonly number[], offset: number, dtype: DType) {
    this._data = data;
    this.shape = shape;
    this._strides = strides;
    this._offset = offset;
    this.dtype = dtype;
  }

  /** @internal */
  _meta(): TensorMeta {
    return (this._extra ??= { base: null, accumulator: null, retainsGrad: false });
  }

  // ---- metadata -------------------------------------------------------------------------

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of dimensions (PyTorch's `dim()`). */
  dim(): number {
    return this.shape.length;
  }
  /** Total number of elements. */
  numel(): number {
    return numelOf(this.shape);
  }
  /** The shape, or the size of dimension `dim` (may be negative). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape.slice();
    return this.shape[M.dimIndex(dim, this.ndim, 'size')];
  }
  /** Strides in elements, or the stride of dimension `dim`. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this._strides.slice();
    return this._strides[M.dimIndex(dim, this.ndim, 'stride')];
  }
  /** Whether the elements are laid out row-major without gaps. */
  isContiguous(): boolean {
    return isContiguous(this.shape, this._strides);
  }
  /** The tensor this one is a view of, or null (PyTorch's `_base`). */
  get base(): Tensor | null {
    return this._extra === null ? null : this._extra.base;
  }
  /** How many in-place ops modified this tensor's storage (PyTorch's `_version`). */
  get version(): number {
    return this._version === null ? 0 : this._version.value;
  }

  // ---- values -----------------------------------------------------------------------------

  /** The single value of a one-element tensor as a number (booleans as 0/1). */
  item(): number {
    const n = this.numel();
    if (n !== 1) {
      throw new ShapeError(`a Tensor with ${n} elements cannot be converted to Scalar; item() needs exactly one element (use tolist() for all values)`);
    }
    return this._data[this._offset];
  }
  /** The values as nested arrays (a number for a zero-dim tensor; booleans for bool tensors). */
  tolist(): any {
    return toNested(this);
  }
  /** PyTorch's repr, e.g. `tensor([1., 2.], requires_grad=True)`. */
  toString(): string {
    return formatTensor(this);
  }
  /** @internal Node's util.inspect (console.log) shows the PyTorch repr. */
  [INSPECT](): string {
    return this.toString();
  }

  // ---- autograd -------------------------------------------------------------------------

  /** Whether operations on this tensor are recorded for autograd. Settable only on leaves. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  /** Same as `requiresGrad_(flag)`: only leaves can change it. */
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }
  /** Sets `requiresGrad` in place and returns this tensor. */
  requiresGrad_(flag = true): this {
    if (typeof flag !== 'boolean') throw new ArgumentError(`requiresGrad_: expected a boolean, got ${typeof flag}`);
    if (this._gradFn !== null) {
      if (flag) return this;
      throw new AutogradError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use varNoGrad = v.detach().",
      );
    }
    if (flag && !isFloating(this.dtype)) {
      throw new AutogradError(`only Tensors of floating point dtype can require gradients (this tensor is ${this.dtype}); convert with .float() first`);
    }
    this._requiresGrad = flag;
    return this;
  }
  /** True for tensors not produced by a recorded op (created by the user, or not requiring grad). */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  /** The node that produced this tensor in the autograd graph, or null for leaves. */
  get gradFn(): Node | null {
    return this._gradFn;
  }
  /** The accumulated gradient: set on leaves by backward, on non-leaves only after `retainGrad()`. */
  get grad(): Tensor | null {
    return this._grad;
  }
  /** Replaces the gradient; the new one must match this tensor's dtype and shape (or be null). */
  set grad(value: Tensor | null) {
    if (value !== null) {
      if (!(value instanceof Tensor)) throw new ArgumentError('assigned grad must be a Tensor or null');
      if (value.dtype !== this.dtype) throw new AutogradError(`assigned grad has data of type ${value.dtype} that differs from the tensor's type ${this.dtype}`);
      if (!M.sameSize(value.shape, this.shape)) throw new AutogradError(`assigned grad has data of a different size: ${fmtShape(value.shape)} vs ${fmtShape(this.shape)}`);
    }
    this._grad = value;
  }
  /** Whether this non-leaf keeps its `.grad` after backward. */
  get retainsGrad(): boolean {
    return this._extra !== null && this._extra.retainsGrad;
  }
  /** Keeps `.grad` for this non-leaf tensor after backward (a no-op on leaves). */
  retainGrad(): void {
    if (!this._requiresGrad) throw new AutogradError("can't retain_grad on Tensor that has requires_grad=False");
    if (this._gradFn === null || this.retainsGrad) return;
    this._meta().retainsGrad = true;
    this._gradFn._retained = new WeakRef(this);
  }
  /**
   * Computes gradients of this tensor with respect to graph leaves, accumulating into `.grad`.
   * `gradient` is required unless the tensor has one element.
   */
  backward(gradient?: Tensor | null, options?: BackwardOptions): void {
    backward(this, gradient, options);
  }
  /**
   * Registers `hook(grad)` to run when this tensor's gradient is computed; returning a tensor
   * replaces the gradient. Returns a handle whose `remove()` unregisters it.
   */
  registerHook(hook: GradHook): {
    /** Unregisters the hook; calling it again does nothing. */
    remove(): void;
  } {
    if (typeof hook !== 'function') throw new ArgumentError('registerHook expects a function');
    if (!this._requiresGrad) throw new AutogradError("cannot register a hook on a tensor that doesn't require gradient");
    return gradNode(this).addPreHook(hook);
  }
  /** A tensor sharing this storage but cut from the graph (never requires grad). */
  detach(): Tensor {
    return M.detach(this);
  }
  /** Cuts this tensor from the graph in place and makes it a leaf that does not require grad. */
  detach_(): this {
    if (this.base !== null && this._requiresGrad) {
      throw new AutogradError("Can't detach views in-place. Use detach() instead.");
    }
    this._gradFn = null;
    this._requiresGrad = false;
    return this;
  }
  /** Whether this tensor was made in inference mode. */
  isInference(): boolean {
    return this._inference;
  }
  /** A detached alias of this tensor (PyTorch's `.data`). */
  get data(): Tensor {
    return M.detach(this);
  }

  // ---- dtype conversion -----------------------------------------------------------------

  /** This tensor in `dtype` (itself if already that dtype). */
  to(dtype: DType): Tensor {
    return E.to(this, dtype);
  }
  /** `to('float32')`. */
  float(): Tensor {
    return E.to(this, 'float32');
  }
  /** `to('float64')`. */
  double(): Tensor {
    return E.to(this, 'float64');
  }
  /** `to('int32')` (truncates toward zero). */
  int(): Tensor {
    return E.to(this, 'int32');
  }
  /** `to('bool')` (nonzero is true). */
  bool(): Tensor {
    return E.to(this, 'bool');
  }

  // ---- elementwise ----------------------------------------------------------------------

  /** `this + alpha·other`, broadcasting. */
  add(other: TensorOrScalar, alpha?: number): Tensor {
    return E.add(this, other, alpha);
  }
  /** `this - alpha·other`, broadcasting. */
  sub(other: TensorOrScalar, alpha?: number): Tensor {
    return E.sub(this, other, alpha);
  }
  /** Elementwise product, broadcasting. */
  mul(other: TensorOrScalar): Tensor {
    return E.mul(this, other);
  }
  /** Elementwise true division, broadcasting. */
  div(other: TensorOrScalar): Tensor {
    return E.div(this, other);
  }
  /** Elementwise power, broadcasting. */
  pow(exponent: TensorOrScalar): Tensor {
    return E.pow(this, exponent);
  }
  /** `-this`. */
  neg(): Tensor {
    return E.neg(this);
  }
  /** `e^this`. */
  exp(): Tensor {
    return E.exp(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return E.log(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return E.sqrt(this);
  }
  /** Absolute value. */
  abs(): Tensor {
    return E.abs(this);
  }
  /** `max(this, 0)`. */
  relu(): Tensor {
    return E.relu(this);
  }
  /** Logistic sigmoid `1 / (1 + e^-x)`. */
  sigmoid(): Tensor {
    return E.sigmoid(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return E.tanh(this);
  }
  /** `this²`. */
  square(): Tensor {
    return E.square(this);
  }
  /** `1 / this`. */
  reciprocal(): Tensor {
    return E.reciprocal(this);
  }
  /** Sine. */
  sin(): Tensor {
    return E.sin(this);
  }
  /** Cosine. */
  cos(): Tensor {
    return E.cos(this);
  }
  /** `log(1 + this)`, accurate near 0. */
  log1p(): Tensor {
    return E.log1p(this);
  }
  /** `e^this - 1`, accurate near 0. */
  expm1(): Tensor {
    return E.expm1(this);
  }
  /** Sign: -1, 0 or 1. */
  sign(): Tensor {
    return E.sign(this);
  }
  /** Clamps into `[min, max]` (either may be omitted). */
  clamp(min?: number | null, max?: number | null): Tensor {
    return E.clamp(this, min, max);
  }
  /** Elementwise maximum of two tensors. */
  maximum(other: Tensor): Tensor {
    return E.maximum(this, other);
  }
  /** Elementwise minimum of two tensors. */
  minimum(other: Tensor): Tensor {
    return E.minimum(this, other);
  }
  /** `this == other` as a bool tensor. */
  eq(other: TensorOrScalar): Tensor {
    return E.eq(this, other);
  }
  /** `this != other` as a bool tensor. */
  ne(other: TensorOrScalar): Tensor {
    return E.ne(this, other);
  }
  /** `this < other` as a bool tensor. */
  lt(other: TensorOrScalar): Tensor {
    return E.lt(this, other);
  }
  /** `this <= other` as a bool tensor. */
  le(other: TensorOrScalar): Tensor {
    return E.le(this, other);
  }
  /** `this > other` as a bool tensor. */
  gt(other: TensorOrScalar): Tensor {
    return E.gt(this, other);
  }
  /** `this >= other` as a bool tensor. */
  ge(other: TensorOrScalar): Tensor {
    return E.ge(this, other);
  }
  /** Logical not of a tensor read as booleans. */
  logicalNot(): Tensor {
    return E.logicalNot(this);
  }
  /** Replaces elements where `mask` is true with `value`. */
  maskedFill(mask: Tensor, value: number): Tensor {
    return E.maskedFill(this, mask, value);
  }

  // ---- reductions -----------------------------------------------------------------------

  /** Sum of all elements, or over `dim` (a dim or list of dims). */
  sum(dim?: number | number[] | null, keepdim = false): Tensor {
    return R.sum(this, dim, keepdim);
  }
  /** Mean of all elements, or over `dim`. */
  mean(dim?: number | number[] | null, keepdim = false): Tensor {
    return R.mean(this, dim, keepdim);
  }
  /** Maximum over `dim` (all dims if omitted). */
  amax(dim?: number | number[], keepdim = false): Tensor {
    return R.amax(this, dim, keepdim);
  }
  /** Minimum over `dim` (all dims if omitted). */
  amin(dim?: number | number[], keepdim = false): Tensor {
    return R.amin(this, dim, keepdim);
  }
  /** Index of the maximum, of the flattened tensor or along `dim` (int32). */
  argmax(dim?: number | null, keepdim = false): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  /** Index of the minimum, of the flattened tensor or along `dim` (int32). */
  argmin(dim?: number | null, keepdim = false): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  /** Maximum of all elements; with `dim`, `{ values, indices }` along it. */
  max(): Tensor;
  max(
    dim: number,
    keepdim?: boolean,
  ): {
    /** The maxima along `dim`. */
    values: Tensor;
    /** Their positions along `dim` (int32). */
    indices: Tensor;
  };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? R.max(this) : R.maxDim(this, dim, keepdim, 'max');
  }
  /** Minimum of all elements; with `dim`, `{ values, indices }` along it. */
  min(): Tensor;
  min(
    dim: number,
    keepdim?: boolean,
  ): {
    /** The minima along `dim`. */
    values: Tensor;
    /** Their positions along `dim` (int32). */
    indices: Tensor;
  };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? R.min(this) : R.maxDim(this, dim, keepdim, 'min');
  }
  /** Variance over `dim` (all if omitted), with Bessel's correction unless `correction` is 0. */
  var(dim?: number | number[] | null, options?: { correction?: number; keepdim?: boolean }): Tensor {
    return R.variance(this, dim, options);
  }
  /** Standard deviation over `dim`, like `var`. */
  std(dim?: number | number[] | null, options?: { correction?: number; keepdim?: boolean }): Tensor {
    return R.std(this, dim, options);
  }
  /** `log(sum(exp(x)))` over `dim`, computed stably. */
  logsumexp(dim: number | number[], keepdim = false): Tensor {
    return R.logsumexp(this, dim, keepdim);
  }
  /** The p-norm of all elements (default p = 2). */
  norm(p = 2): Tensor {
    return R.norm(this, p);
  }

  // ---- shape and views ------------------------------------------------------------------

  /** Same data with a new shape (a view when the layout allows, else a copy). One size may be -1. */
  reshape(...shape: number[] | [number[]]): Tensor {
    return M.reshape(this, M.sizeArgs(shape));
  }
  /** A view with a new shape; fails if the layout does not allow one (use `reshape`). */
  view(...shape: number[] | [number[]]): Tensor {
    return M.view(this, M.sizeArgs(shape));
  }
  /** A view with two dims swapped. */
  transpose(dim0: number, dim1: number): Tensor {
    return M.transpose(this, dim0, dim1);
  }
  /** A view with dims reordered. */
  permute(...dims: number[] | [number[]]): Tensor {
    return M.permute(this, M.sizeArgs(dims));
  }
  /** Transpose of a tensor with at most 2 dims. */
  t(): Tensor {
    return M.t(this);
  }
  /** A view with a size-1 dim inserted at `dim`. */
  unsqueeze(dim: number): Tensor {
    return M.unsqueeze(this, dim);
  }
  /** A view without size-1 dims (or only `dim`, if it has size 1). */
  squeeze(dim?: number): Tensor {
    return M.squeeze(this, dim);
  }
  /** A broadcast view to a larger shape (-1 keeps a size), without copying. */
  expand(...shape: number[] | [number[]]): Tensor {
    return M.expand(this, M.sizeArgs(shape));
  }
  /** `expand` to `other`'s shape. */
  expandAs(other: Tensor): Tensor {
    return M.expand(this, M.shapeOf(other, 'expandAs'));
  }
  /** `view` to `other`'s shape. */
  viewAs(other: Tensor): Tensor {
    return M.view(this, M.shapeOf(other, 'viewAs'));
  }
  /** `reshape` to `other`'s shape. */
  reshapeAs(other: Tensor): Tensor {
    return M.reshape(this, M.shapeOf(other, 'reshapeAs'));
  }
  /** Flattens dims `startDim..endDim` into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return M.flatten(this, startDim, endDim);
  }
  /** This tensor if contiguous, else a contiguous copy. */
  contiguous(): Tensor {
    return M.contiguous(this);
  }
  /** A copy with its own storage (differentiable). */
  clone(): Tensor {
    return M.clone(this);
  }
  /** A view of `length` elements of `dim` starting at `start`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return M.narrow(this, dim, start, length);
  }
  /** A view of index `index` of `dim`, with that dim removed (PyTorch's `x[..., index, ...]`). */
  select(dim: number, index: number): Tensor {
    return M.select(this, dim, index);
  }
  /** Splits into chunks of `splitSize` along `dim` (views). */
  split(splitSize: number, dim = 0): Tensor[] {
    return M.split(this, splitSize, dim);
  }
  /** Splits into `chunks` nearly equal views along `dim`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return M.chunk(this, chunks, dim);
  }
  /** Gathers values along `dim` at `index` (int32). */
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  /** Selects entries of `dim` listed in `index` (int32, 1-D). */
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }

  // ---- matmul and softmax ---------------------------------------------------------------

  /** Matrix product with PyTorch's rules for 1-D, 2-D and batched operands. */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  /** Softmax along `dim`. */
  softmax(dim: number): Tensor {
    return softmax(this, dim);
  }
  /** Log-softmax along `dim`, computed stably. */
  logSoftmax(dim: number): Tensor {
    return logSoftmax(this, dim);
  }

  // ---- in-place ---------------------------------------------------------------------------

  /** Fills with zeros in place. */
  zero_(): this {
    return IP.fill_(this, 0, 'zero_') as this;
  }
  /** Fills with `value` in place. */
  fill_(value: number): this {
    return IP.fill_(this, value, 'fill_') as this;
  }
  /** `this += alpha·other` in place. */
  add_(other: TensorOrScalar, alpha?: number): this {
    return IP.add_(this, other, alpha) as this;
  }
  /** `this -= alpha·other` in place. */
  sub_(other: TensorOrScalar, alpha?: number): this {
    return IP.sub_(this, other, alpha) as this;
  }
  /** `this *= other` in place. */
  mul_(other: TensorOrScalar): this {
    return IP.mul_(this, other) as this;
  }
  /** `this /= other` in place. */
  div_(other: TensorOrScalar): this {
    return IP.div_(this, other) as this;
  }
  /** Copies `src` (broadcast to this shape) into this tensor in place. */
  copy_(src: Tensor): this {
    return IP.copy_(this, src) as this;
  }
  /** Fills with samples of U(from, to) in place (seeded by `manualSeed`, PyTorch's order). */
  uniform_(from = 0, to = 1): this {
    return RND.uniform_(this, from, to) as this;
  }
  /** Fills with samples of N(mean, std²) in place. */
  normal_(mean = 0, std = 1): this {
    return RND.normal_(this, mean, std) as this;
  }
  /** Fills with 1 with probability `p`, else 0, in place. */
  bernoulli_(p = 0.5): this {
    return RND.bernoulli_(this, p) as this;
  }
  /** Clamps into `[min, max]` in place. */
  clamp_(min?: number | null, max?: number | null): this {
    return IP.clamp_(this, min, max) as this;
  }
}

// Dual package hazard: Node can load both builds of this package in one process (dist/index.js
// through `import`, dist/index.cjs through `require`), and then there are two Tensor classes.
// Grad mode is shared between copies (autograd/grad-mode.ts). For `instanceof Tensor`, every copy
// registers its class; once a second copy loads, each class gets a Symbol.hasInstance that accepts
// a tensor of any copy (by a registered-symbol brand). With one copy nothing is installed, and
// `instanceof` keeps V8's fast path: the brand check costs about 7 ns per test.
const TENSOR_BRAND = Symbol.for('torchlet.Tensor');
Object.defineProperty(Tensor.prototype, TENSOR_BRAND, { value: true });
const tensorClasses = ((globalThis as Record<symbol, unknown>)[Symbol.for('torchlet.Tensor.classes')] ??= []) as (typeof Tensor)[];
tensorClasses.push(Tensor);
if (tensorClasses.length > 1) {
  const ordinary = Function.prototype[Symbol.hasInstance];
  for (const cls of tensorClasses) {
    if (Object.hasOwn(cls, Symbol.hasInstance)) continue;
    Object.defineProperty(cls, Symbol.hasInstance, {
      // Subclasses (nn's Parameter) inherit this static and keep the ordinary check.
      value(this: unknown, value: unknown): boolean {
        return this === cls ? value != null && (value as Record<symbol, unknown>)[TENSOR_BRAND] === true : ordinary.call(this as () => void, value);
      },
      configurable: true,
    });
  }
  // Once: what still differs between the copies, and the fix.
  if (tensorClasses.length === 2) {
    (globalThis as { process?: { emitWarning?: (msg: string, opts: object) => void } }).process?.emitWarning?.(
      '@torchlet/core is loaded twice in this process (e.g. its ESM build through import and its CommonJS build through ' +
        'require). Tensors and grad mode work across the copies, but manualSeed, setBackend, setNumThreads, print options, ' +
        'anomaly mode and memoryStats each apply to one copy. Load @torchlet/* the same way everywhere to have one copy.',
      { code: 'TORCHLET_DUAL_PACKAGE' },
    );
  }
}

/** A new contiguous tensor of `shape` with zeroed storage. @internal */
export function empty(shape: readonly number[], dtype: DType): Tensor {
  const n = numelOf(shape);
  return new Tensor(allocate(dtype, n), shape, contiguousStrides(shape), 0, dtype);
}

/** A new contiguous tensor shaped like `like` (shares its shape array and, if contiguous, its strides). @internal */
export function emptyLike(like: Tensor, dtype: DType = like.dtype): Tensor {
  const strides = isContiguous(like.shape, like._strides) ? like._strides : contiguousStrides(like.shape);
  return new Tensor(allocate(dtype, numelOf(like.shape)), like.shape, strides, 0, dtype);
}
