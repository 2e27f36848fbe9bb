// Shape and layout ops. Most return views that share storage (and the version counter) with
// their input, exactly where PyTorch does; reshape copies only when no view is possible.
import { defineRules } from '../autograd/node.js';
import { record, recordMany } from '../autograd/record.js';
import { kernels } from '../backend/registry.js';
import { promoteTypes } from '../dtype.js';
import { ArgumentError, DimError, ShapeError, fmtShape } from '../errors.js';
import {
  checkShape, contiguousStrides, describe, inferShape, isContiguous, normalizeDim, normalizeDims, numelOf, sameShape, viewStrides,
} from '../shape.js';
import { empty, emptyLike, Tensor } from '../tensor.js';
import { checkTensor, strided, stridedAs } from './operand.js';
import { sumToShape } from './reduce.js';

/** A view of `x`'s storage with new geometry; shares the version counter and records the base. */
function makeView(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  const v = new Tensor(x._data, shape, strides, offset, x.dtype);
  v._version = x._version ??= { value: 0 };
  v._meta().base = x.base ?? x;
  v._inference = x._inference;
  return v;
}

const rules = defineRules({
  // view/reshape: reshape the gradient back
  ViewBackward0: (n, g) => [reshape(g, n.ctx)],
  UnsafeViewBackward0: (n, g) => [reshape(g, n.ctx)],
  // transposes are their own inverse
  TransposeBackward0: (n, g) => [transpose(g, n.ctx[0], n.ctx[1])],
  TBackward0: (_n, g) => [t(g)],
  PermuteBackward0: (n, g) => [permute(g, n.ctx)],
  UnsqueezeBackward0: (n, g) => [squeeze(g, n.ctx)],
  SqueezeBackward0: (n, g) => [reshape(g, n.ctx)],
  SqueezeBackward1: (n, g) => [reshape(g, n.ctx)],
  // d expand(x) = g summed over the broadcast dims
  ExpandBackward0: (n, g) => [sumToShape(g, n.ctx)],
  CloneBackward0: (_n, g) => [g],
  // d narrow(x) = g placed into zeros of x's shape
  SliceBackward0: (n, g) => [sliceBackward(g, n.ctx.shape, n.ctx.dim, n.ctx.start)],
  SplitBackward0: (n, g) => [sliceBackward(g, n.ctx.shape, n.ctx.dim, n.ctx.start)],
  SplitWithSizesBackward0: (n, g) => [sliceBackward(g, n.ctx.shape, n.ctx.dim, n.ctx.start)],
  SelectBackward0: (n, g) => [sliceBackward(unsqueeze(g, n.ctx.dim), n.ctx.shape, n.ctx.dim, n.ctx.start)],
  // the backward of placing g into zeros is slicing it out again
  SliceBackwardBackward0: (n, g) => [narrow(g, n.ctx.dim, n.ctx.start, n.ctx.length)],
  // d cat(xs) = the matching slice of g for each input
  CatBackward0: (n, g) =>
    (n.ctx.sizes as number[]).map((len, i) => {
      const part = narrow(g, n.ctx.dim, n.ctx.starts[i], len);
      return n.ctx.skipped[i] ? reshape(part, [0]) : part; // a skipped legacy [0] input gets an empty gradient
    }),
  StackBackward0: (n, g) => Array.from({ length: n.ctx.count as number }, (_, i) => select(g, n.ctx.dim, i)),
});

/** The names of the backward rules defined in this file. */
export type MovementGradFn = keyof typeof rules;
/** This file's backward rules, by PyTorch name. @internal */
export const movementRules = rules;

/** Accepts sizes as separate numbers or as one array (`reshape(2, 3)` or `reshape([2, 3])`). @internal */
export function sizeArgs(args: readonly (number | number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return args[0].slice();
  for (const a of args) if (typeof a !== 'number') throw new ArgumentError(`expected sizes as numbers or one array, got ${describe(args)}`);
  return args as number[];
}

/** A normalised dim index for `op`. @internal */
export function dimIndex(dim: number, ndim: number, op: string): number {
  return normalizeDim(dim, ndim, op);
}

/** Whether two shapes are equal. @internal */
export function sameSize(a: readonly number[], b: readonly number[]): boolean {
  return sameShape(a, b);
}

/** A view with a new shape; throws if the strides do not allow one (`Tensor.view`). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'view');
  const target = inferShape(shape, x.numel());
  const strides = viewStrides(x.shape, x._strides, target);
  if (strides === null) {
    throw new ShapeError(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  const out = makeView(x, target, strides, x._offset);
  const node = record(rules.ViewBackward0, out, x);
  if (node !== null) node.ctx = x.shape;
  return out;
}

/** Same elements with a new shape: a view when possible, otherwise a copy (`torch.reshape`). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'reshape');
  const target = inferShape(shape, x.numel());
  const strides = viewStrides(x.shape, x._strides, target);
  if (strides !== null) {
    const out = makeView(x, target, strides, x._offset);
    const node = record(rules.ViewBackward0, out, x);
    if (node !== null) node.ctx = x.shape;
    return out;
  }
  const out = copyContiguous(x);
  const reshaped = new Tensor(out._data, target, contiguousStrides(target), 0, x.dtype);
  const node = record(rules.UnsafeViewBackward0, reshaped, x);
  if (node !== null) node.ctx = x.shape;
  return reshaped;
}

/** Flattens dims `startDim..endDim` into one (`torch.flatten`). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(x, 'flatten');
  if (x.shape.length === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.shape.length, 'flatten');
  const e = normalizeDim(endDim, x.shape.length, 'flatten');
  if (s > e) throw new ArgumentError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return x;
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** A view with `dim0` and `dim1` swapped (`torch.transpose`). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor(x, 'transpose');
  const nd = x.shape.length;
  const a = normalizeDim(dim0, nd, 'transpose');
  const b = normalizeDim(dim1, nd, 'transpose');
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  if (nd > 0) {
    [shape[a], shape[b]] = [shape[b], shape[a]];
    [strides[a], strides[b]] = [strides[b], strides[a]];
  }
  const out = makeView(x, shape, strides, x._offset);
  const node = record(rules.TransposeBackward0, out, x);
  if (node !== null) node.ctx = [a, b];
  return out;
}

/** Transpose of a tensor with at most 2 dims (`torch.t`). */
export function t(x: Tensor): Tensor {
  checkTensor(x, 't');
  if (x.shape.length > 2) throw new ShapeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.shape.length}D`);
  const shape = x.shape.slice().reverse();
  const strides = x._strides.slice().reverse();
  const out = makeView(x, shape, strides, x._offset);
  record(rules.TBackward0, out, x);
  return out;
}

/** A view with dims reordered (`torch.permute`). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, 'permute');
  if (!Array.isArray(dims)) throw new ArgumentError(`permute(): dims must be an array of integers, got ${describe(dims)}`);
  const nd = x.shape.length;
  if (dims.length !== nd) {
    throw new ShapeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${nd} is not equal to len(dims) = ${dims.length}`.replace('(sparse_coo)', '()'));
  }
  const norm = dims.map((d) => normalizeDim(d, nd, 'permute'));
  if (new Set(norm).size !== norm.length) throw new DimError('permute(): duplicate dims are not allowed.');
  const out = makeView(x, norm.map((d) => x.shape[d]), norm.map((d) => x._strides[d]), x._offset);
  const node = record(rules.PermuteBackward0, out, x);
  if (node !== null) {
    const inverse = new Array<number>(nd);
    norm.forEach((d, i) => (inverse[d] = i));
    node.ctx = inverse;
  }
  return out;
}

/** A view with a size-1 dim inserted at `dim` (`torch.unsqueeze`). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor(x, 'unsqueeze');
  const d = normalizeDim(dim, x.shape.length + 1, 'unsqueeze');
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  const stride = d < x.shape.length ? x._strides[d] * x.shape[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  const out = makeView(x, shape, strides, x._offset);
  const node = record(rules.UnsqueezeBackward0, out, x);
  if (node !== null) node.ctx = d;
  return out;
}

/** A view without size-1 dims, or without `dim` if it has size 1 (`torch.squeeze`). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  checkTensor(x, 'squeeze');
  let keep: (s: number, i: number) => boolean;
  if (dim === undefined) keep = (s) => s !== 1;
  else {
    const d = normalizeDim(dim, x.shape.length, 'squeeze');
    keep = (s, i) => i !== d || s !== 1;
  }
  const shape = x.shape.filter(keep);
  const strides = x._strides.filter((_, i) => keep(x.shape[i], i));
  const out = makeView(x, shape, strides, x._offset);
  const node = record(dim === undefined ? rules.SqueezeBackward0 : rules.SqueezeBackward1, out, x);
  if (node !== null) node.ctx = x.shape;
  return out;
}

/** A broadcast view to `shape` (-1 keeps a size) without copying (`Tensor.expand`). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'expand');
  if (!Array.isArray(shape)) throw new ArgumentError(`expand(): sizes must be an array of integers, got ${describe(shape)}`);
  const nd = shape.length;
  const lead = nd - x.shape.length;
  if (lead < 0) {
    throw new ShapeError(
      `expand(${fmtShape(x.shape)}, size=${fmtShape(shape)}): the number of sizes provided (${nd}) must be greater or equal to the number of dimensions in the tensor (${x.shape.length})`,
    );
  }
  const outShape = new Array<number>(nd);
  const strides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const want = shape[i];
    if (typeof want !== 'number' || !Number.isInteger(want)) throw new ArgumentError(`expand: sizes must be integers, got ${describe(shape)}`);
    if (i < lead) {
      if (want < 0) throw new ShapeError(`The expanded size of the tensor (${want}) isn't allowed in a leading, non-existing dimension ${i}`);
      outShape[i] = want;
      strides[i] = 0;
      continue;
    }
    const have = x.shape[i - lead];
    const size = want === -1 ? have : want;
    if (size < 0) throw new ShapeError(`expand(${fmtShape(x.shape)}, size=${fmtShape(shape)}): sizes must be non-negative (or -1 to keep a size), got ${want} at dimension ${i}`);
    if (size !== have && have !== 1) {
      throw new ShapeError(
        `The expanded size of the tensor (${size}) must match the existing size (${have}) at non-singleton dimension ${i}.  Target sizes: ${fmtShape(shape)}.  Tensor sizes: ${fmtShape(x.shape)}`,
      );
    }
    outShape[i] = size;
    strides[i] = size === have ? x._strides[i - lead] : 0;
  }
  const out = makeView(x, outShape, strides, x._offset);
  const node = record(rules.ExpandBackward0, out, x);
  if (node !== null) node.ctx = x.shape;
  return out;
}

function copyContiguous(x: Tensor): Tensor {
  const out = emptyLike(x);
  kernels().copy(strided(x), x.shape, out._data);
  return out;
}

/** A copy with its own contiguous storage (`torch.clone`). */
export function clone(x: Tensor): Tensor {
  checkTensor(x, 'clone');
  const out = copyContiguous(x);
  record(rules.CloneBackward0, out, x);
  return out;
}

/** `x` if already contiguous, else a contiguous copy (`Tensor.contiguous`). */
export function contiguous(x: Tensor): Tensor {
  checkTensor(x, 'contiguous');
  return isContiguous(x.shape, x._strides) ? x : clone(x);
}

/** A tensor sharing `x`'s storage and version counter, outside the graph (`Tensor.detach`). */
export function detach(x: Tensor): Tensor {
  checkTensor(x, 'detach');
  const out = new Tensor(x._data, x.shape, x._strides, x._offset, x.dtype);
  out._version = x._version ??= { value: 0 };
  out._inference = x._inference;
  return out;
}

/** A view of `length` entries of `dim` from `start` (`torch.narrow`). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  return sliceView(x, dim, start, length, 'narrow', rules.SliceBackward0);
}

type SliceRule = typeof rules.SliceBackward0 | typeof rules.SplitBackward0 | typeof rules.SplitWithSizesBackward0;

function sliceView(x: Tensor, dim: number, start: number, length: number, op: string, rule: SliceRule): Tensor {
  checkTensor(x, op);
  if (x.shape.length === 0) throw new DimError(`${op}() cannot be applied to a 0-dim tensor.`);
  const d = normalizeDim(dim, x.shape.length, op);
  const size = x.shape[d];
  if (!Number.isInteger(start) || !Number.isInteger(length)) throw new ArgumentError(`${op}(): start and length must be integers`);
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size) throw new DimError(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  if (length < 0 || s + length > size) throw new ShapeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  const shape = x.shape.slice();
  shape[d] = length;
  const out = makeView(x, shape, x._strides, x._offset + s * x._strides[d]);
  const node = record(rule, out, x);
  if (node !== null) node.ctx = { shape: x.shape, dim: d, start: s };
  return out;
}

/** A view of entry `index` of `dim`, with that dim removed (`torch.select`, `x[i]`). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor(x, 'select');
  if (x.shape.length === 0) throw new DimError('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, x.shape.length, 'select');
  const size = x.shape[d];
  if (!Number.isInteger(index)) throw new ArgumentError(`select(): index must be an integer, got ${describe(index)}`);
  if (index < -size || index >= size) {
    throw new DimError(`select(): index ${index} out of range for tensor of size ${fmtShape(x.shape)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x._strides.filter((_, k) => k !== d);
  const out = makeView(x, shape, strides, x._offset + i * x._strides[d]);
  const node = record(rules.SelectBackward0, out, x);
  if (node !== null) node.ctx = { shape: x.shape, dim: d, start: i };
  return out;
}

/** Views of consecutive chunks of `splitSize` along `dim` (`torch.split`). */
export function split(x: Tensor, splitSize: number, dim = 0): Tensor[] {
  checkTensor(x, 'split');
  const d = normalizeDim(dim, x.shape.length, 'split');
  if (!Number.isInteger(splitSize) || splitSize < 0) throw new ArgumentError(`split(): split_size must be a non-negative integer, got ${describe(splitSize)}`);
  if (splitSize === 0 && x.shape[d] !== 0) {
    throw new ArgumentError(`split(): split_size can only be 0 if dimension size is 0, but got dimension size of ${x.shape[d]}; pass a positive split_size`);
  }
  const out: Tensor[] = [];
  for (let s = 0; s < x.shape[d] || (s === 0 && x.shape[d] === 0); s += splitSize) {
    out.push(sliceView(x, d, s, Math.min(splitSize, x.shape[d] - s), 'split', rules.SplitBackward0));
    if (x.shape[d] === 0) break;
  }
  return out;
}

/** `chunks` nearly equal views along `dim` (`torch.chunk`). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor(x, 'chunk');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalizeDim(dim, x.shape.length, 'chunk');
  // an empty dim gives `chunks` empty chunks, as in PyTorch
  if (x.shape[d] === 0) return Array.from({ length: chunks }, () => sliceView(x, d, 0, 0, 'chunk', rules.SplitWithSizesBackward0));
  return split(x, Math.ceil(x.shape[d] / chunks), d);
}

/** `g` placed at `start` along `dim` inside zeros of `shape` (PyTorch's slice_backward). */
function sliceBackward(g: Tensor, shape: readonly number[], dim: number, start: number): Tensor {
  const out = empty(shape, g.dtype);
  assign(window(out, g.shape, start * out._strides[dim]), g);
  const node = record(rules.SliceBackwardBackward0, out, g);
  if (node !== null) node.ctx = { dim, start, length: g.shape[dim] };
  return out;
}

/** A raw (unrecorded) strided window into `t`'s storage. */
function window(t: Tensor, shape: readonly number[], offset: number, strides: readonly number[] = t._strides): Tensor {
  return new Tensor(t._data, shape, strides, t._offset + offset, t.dtype);
}

/** Copies `src` (broadcast to `dst`'s shape) into the strided `dst`. @internal */
export function assign(dst: Tensor, src: Tensor): void {
  kernels().assign(strided(dst), stridedAs(src, dst.shape), dst.shape);
}

/** Concatenates tensors along an existing dim (`torch.cat`). */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('cat(): expected a non-empty list of Tensors');
  tensors.forEach((x, i) => checkTensor(x, 'cat', `tensors[${i}]`));
  tensors.forEach((x, i) => {
    if (x.shape.length === 0) throw new ShapeError(`zero-dimensional tensor (at position ${i}) cannot be concatenated; unsqueeze it first, or use stack()`);
  });
  // PyTorch still skips legacy empty 1-D tensors (shape [0]) when shapes are checked
  const skipped = tensors.map((x) => x.shape.length === 1 && x.shape[0] === 0);
  const first = tensors.find((_, i) => !skipped[i]) ?? tensors[0];
  const d = normalizeDim(dim, first.shape.length, 'cat');
  let dtype = tensors[0].dtype;
  for (const [i, x] of tensors.entries()) {
    dtype = promoteTypes(dtype, x.dtype);
    if (skipped[i]) continue;
    if (x.shape.length !== first.shape.length) {
      throw new ShapeError(`Tensors must have same number of dimensions: got ${first.shape.length} and ${x.shape.length} (tensor ${i})`);
    }
    for (let k = 0; k < x.shape.length; k++) {
      if (k !== d && x.shape[k] !== first.shape[k]) {
        throw new ShapeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[k]} but got size ${x.shape[k]} for tensor number ${i} in the list.`);
      }
    }
  }
  const sizes = tensors.map((x, i) => (skipped[i] ? 0 : x.shape[d]));
  const shape = first.shape.slice();
  shape[d] = sizes.reduce((a, b) => a + b, 0);
  const out = empty(shape, dtype);
  const starts: number[] = [];
  let offset = 0;
  for (const [i, x] of tensors.entries()) {
    starts.push(offset);
    if (!skipped[i]) assign(window(out, x.shape, offset * out._strides[d]), x);
    offset += sizes[i];
  }
  const node = recordMany(rules.CatBackward0, out, tensors);
  if (node !== null) node.ctx = { dim: d, sizes, starts, skipped };
  return out;
}

/** Stacks same-shaped tensors along a new dim (`torch.stack`). */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('stack expects a non-empty TensorList');
  tensors.forEach((x, i) => checkTensor(x, 'stack', `tensors[${i}]`));
  const first = tensors[0];
  for (const [i, x] of tensors.entries()) {
    if (!sameShape(x.shape, first.shape)) {
      throw new ShapeError(`stack expects each tensor to be equal size, but got ${fmtShape(first.shape)} at entry 0 and ${fmtShape(x.shape)} at entry ${i}`);
    }
  }
  const d = normalizeDim(dim, first.shape.length + 1, 'stack');
  const shape = first.shape.slice();
  shape.splice(d, 0, tensors.length);
  let dtype = first.dtype;
  for (const x of tensors) dtype = promoteTypes(dtype, x.dtype);
  const out = empty(shape, dtype);
  const rowStrides = out._strides.filter((_, k) => k !== d);
  tensors.forEach((x, i) => assign(window(out, x.shape, i * out._strides[d], rowStrides), x));
  const node = recordMany(rules.StackBackward0, out, tensors);
  if (node !== null) node.ctx = { dim: d, count: tensors.length };
  return out;
}

/** The shape of `other` for `expandAs`/`viewAs`/`reshapeAs`, after checking it is a Tensor. @internal */
export function shapeOf(other: Tensor, op: string): number[] {
  checkTensor(other, op, 'other');
  return other.shape.slice();
}

/** Validated size list for creation functions. @internal */
export function shapeArg(shape: unknown, op: string): number[] {
  return checkShape(typeof shape === 'number' ? [shape] : shape, op);
}

/** Normalised dims list. @internal */
export function dimsArg(dims: readonly number[], nd: number, op: string): number[] {
  return normalizeDims(dims, nd, op);
}
