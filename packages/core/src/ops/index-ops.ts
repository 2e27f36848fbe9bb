// Indexing by integer tensors: gather/scatterAdd along a dim and indexSelect/indexAdd of whole
// slices. Each is the other's backward.
import { defineRules } from '../autograd/node.js';
import { record, recordMany } from '../autograd/record.js';
import { DimError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, normalizeDim, numelOf, sameShape } from '../shape.js';
import { empty, Tensor } from '../tensor.js';
import { kernels } from '../backend/registry.js';
import { checkTensor, strided, stridedAs } from './operand.js';

const rules = defineRules({
  // d gather(x, dim, idx) = zeros(x).scatterAdd(dim, idx, g)   (saves x, as PyTorch)
  GatherBackward0: (n, g) => [scatterAdd(zerosShaped(n.saved(1).shape, g), n.ctx.dim, n.saved(0), g)],
  // d scatterAdd(base, dim, idx, src) = g, gather(g, dim, idx)
  ScatterAddBackward0: (n, g) => [g, gather(g, n.ctx, n.saved(0))],
  // d indexSelect(x, dim, idx) = zeros(x).indexAdd(dim, idx, g)
  IndexSelectBackward0: (n, g) => [indexAdd(zerosShaped(n.ctx.shape, g), n.ctx.dim, n.saved(0), g)],
  // d indexAdd(base, dim, idx, src) = g, indexSelect(g, dim, idx)
  IndexAddBackward0: (n, g) => [g, indexSelect(g, n.ctx, n.saved(0))],
});

/** The names of the backward rules defined in this file. */
export type IndexGradFn = keyof typeof rules;
/** This file's backward rules, by PyTorch name. @internal */
export const indexRules = rules;

function zerosShaped(shape: readonly number[], like: Tensor): Tensor {
  return empty(shape, like.dtype);
}

function checkIndex(index: unknown, op: string): asserts index is Tensor {
  checkTensor(index, op, 'index');
  if (index.dtype !== 'int32') throw new DTypeError(`${op}(): Expected dtype int32 for index, got ${index.dtype}`);
}

/** Row-major multi-index walk over `shape`, giving the flat position and the index list. */
function forEachIndex(shape: readonly number[], fn: (idx: number[], flat: number) => void): void {
  const n = numelOf(shape);
  const idx = shape.map(() => 0);
  for (let flat = 0; flat < n; flat++) {
    fn(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

function offsetOf(t: Tensor, idx: readonly number[], dim: number, at: number): number {
  let off = t._offset;
  for (let d = 0; d < idx.length; d++) off += (d === dim ? at : idx[d]) * t._strides[d];
  return off;
}

function checkGatherShapes(x: Tensor, dim: number, index: Tensor, op: string): number {
  const nd = Math.max(x.shape.length, 1);
  if (Math.max(index.shape.length, 1) !== nd) throw new ShapeError(`Index tensor must have the same number of dimensions as input tensor (${op})`);
  const d = normalizeDim(dim, x.shape.length, op);
  for (let k = 0; k < index.shape.length; k++) {
    if (k !== d && index.shape[k] > (x.shape[k] ?? 1)) {
      throw new ShapeError(`Size does not match at dimension ${k} expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}`);
    }
  }
  return d;
}

/** PyTorch's scatter_shape_check: index fits in self (except along dim) and in src everywhere. */
function checkScatterShapes(base: Tensor, dim: number, index: Tensor, src: Tensor): number {
  const nd = Math.max(base.shape.length, 1);
  const d = normalizeDim(dim, base.shape.length, 'scatterAdd');
  if (index.numel() === 0) return d;
  if (Math.max(index.shape.length, 1) !== nd) throw new ShapeError('scatterAdd(): Index tensor must have the same number of dimensions as self tensor');
  if (Math.max(src.shape.length, 1) !== nd) throw new ShapeError('scatterAdd(): Index tensor must have the same number of dimensions as src tensor');
  const size = (t: Tensor, k: number) => (t.shape.length === 0 ? 1 : t.shape[k]);
  for (let k = 0; k < index.shape.length; k++) {
    if ((k !== d && index.shape[k] > size(base, k)) || index.shape[k] > size(src, k)) {
      throw new ShapeError(
        `scatterAdd(): Expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(base.shape)} apart from dimension ${d} ` +
          `and to be smaller size than src ${fmtShape(src.shape)}`,
      );
    }
  }
  return d;
}

/** Indices along a dim must lie in [0, size): gather and scatter do not wrap negatives, as in PyTorch. */
function checkBound(at: number, dim: number, size: number, op: string): void {
  if (at < 0 || at >= size) throw new DimError(`${op}(): index ${at} is out of bounds for dimension ${dim} with size ${size}`);
}

/** Values of `x` along `dim` at positions `index` (int32, same ndim) (`torch.gather`). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(x, 'gather');
  checkIndex(index, 'gather');
  const d = checkGatherShapes(x, dim, index, 'gather');
  const out = empty(index.shape, x.dtype);
  const size = x.shape.length === 0 ? 1 : x.shape[d];
  forEachIndex(index.shape, (idx, flat) => {
    const at = index._data[offsetOf(index, idx, -1, 0)];
    checkBound(at, d, size, 'gather');
    out._data[flat] = x._data[offsetOf(x, idx, d, at)];
  });
  const node = record(rules.GatherBackward0, out, x);
  if (node !== null) {
    node.save(index, x);
    node.ctx = { dim: d };
  }
  return out;
}

/** A copy of `base` with `src` added at `index` positions along `dim` (`torch.scatter_add`). */
export function scatterAdd(base: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(base, 'scatterAdd');
  checkTensor(src, 'scatterAdd', 'src');
  checkIndex(index, 'scatterAdd');
  if (src.dtype !== base.dtype) {
    throw new DTypeError(`scatterAdd(): scatter(): Expected self.dtype to be equal to src.dtype (got ${base.dtype} and ${src.dtype}); convert src with .to('${base.dtype}')`);
  }
  const d = checkScatterShapes(base, dim, index, src);
  const out = contiguousCopy(base);
  const size = base.shape.length === 0 ? 1 : base.shape[d];
  // bounds first, so a bad index leaves nothing half-written
  forEachIndex(index.shape, (idx) => checkBound(index._data[offsetOf(index, idx, -1, 0)], d, size, 'scatterAdd'));
  forEachIndex(index.shape, (idx) => {
    const at = index._data[offsetOf(index, idx, -1, 0)];
    out._data[offsetOf(out, idx, d, at)] += src._data[offsetOf(src, idx, -1, 0)];
  });
  const node = recordMany(rules.ScatterAddBackward0, out, [base, src]);
  if (node !== null) {
    node.save(index);
    node.ctx = d;
  }
  return out;
}

function contiguousCopy(t: Tensor): Tensor {
  const out = empty(t.shape, t.dtype);
  kernels().copy(strided(t), t.shape, out._data);
  return out;
}

function checkIndexVector(x: Tensor, index: Tensor, d: number, op: string): void {
  if (index.shape.length > 1) throw new ShapeError(`${op}(): Index is supposed to be a vector, got shape ${fmtShape(index.shape)}`);
  const size = x.shape.length === 0 ? 1 : x.shape[d];
  const n = index.numel();
  for (let i = 0; i < n; i++) {
    const at = indexAt(index, i);
    // negative indices are not wrapped, as in PyTorch
    if (at < 0 || at >= size) throw new DimError(`${op}(): index out of range in self: index ${at} is out of bounds for dimension ${d} with size ${size}`);
  }
}

function indexAt(index: Tensor, i: number): number {
  return index._data[index._offset + i * (index._strides[0] ?? 0)];
}

/** Slices of `x` along `dim` at the positions in the 1-D int32 `index` (`torch.index_select`). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(x, 'indexSelect');
  checkIndex(index, 'indexSelect');
  const d = normalizeDim(dim, x.shape.length, 'indexSelect');
  checkIndexVector(x, index, d, 'indexSelect');
  const n = index.numel();
  const shape = x.shape.slice();
  if (shape.length > 0) shape[d] = n;
  const out = empty(shape, x.dtype);
  forEachIndex(shape, (idx, flat) => {
    out._data[flat] = x._data[offsetOf(x, idx, d, indexAt(index, idx[d] ?? 0))];
  });
  const node = record(rules.IndexSelectBackward0, out, x);
  if (node !== null) {
    node.save(index);
    node.ctx = { shape: x.shape, dim: d };
  }
  return out;
}

/** A copy of `base` with slices of `src` added at `index` positions along `dim` (`torch.index_add`). */
export function indexAdd(base: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(base, 'indexAdd');
  checkTensor(src, 'indexAdd', 'source');
  checkIndex(index, 'indexAdd');
  const d = normalizeDim(dim, base.shape.length, 'indexAdd');
  if (src.dtype !== base.dtype) {
    throw new DTypeError(`indexAdd(): self (${base.dtype}) and source (${src.dtype}) must have the same scalar type; convert source with .to('${base.dtype}')`);
  }
  checkIndexVector(base, index, d, 'indexAdd');
  const n = index.numel();
  const srcSize = src.shape.length === 0 ? 1 : src.shape[d];
  if (src.shape.length > 0 && src.shape.length !== base.shape.length) {
    throw new ShapeError(`indexAdd(): source must have the same number of dimensions as self (${src.shape.length} vs ${base.shape.length})`);
  }
  if (n !== srcSize) {
    throw new ShapeError(`indexAdd(): index_add_(): Number of indices (${n}) should be equal to source.size(dim): (${srcSize}), for dim: ${d}`);
  }
  // each source slice is added into a self slice, broadcasting as PyTorch's add_ does
  const shape = base.shape.slice();
  if (shape.length > 0) shape[d] = n;
  const srcSlice = src.shape.filter((_, k) => k !== d), selfSlice = base.shape.filter((_, k) => k !== d);
  if (!sameShape(broadcastShapes(selfSlice, srcSlice), selfSlice)) {
    throw new ShapeError(`indexAdd(): source slices of shape ${fmtShape(srcSlice)} do not fit self slices of shape ${fmtShape(selfSlice)}`);
  }
  const source = new Tensor(src._data, shape, stridedAs(src, shape).strides, src._offset, src.dtype);
  const out = contiguousCopy(base);
  forEachIndex(shape, (idx) => {
    out._data[offsetOf(out, idx, d, indexAt(index, idx[d] ?? 0))] += source._data[offsetOf(source, idx, -1, 0)];
  });
  const node = recordMany(rules.IndexAddBackward0, out, [base, src]);
  if (node !== null) {
    node.save(index);
    node.ctx = d;
  }
  return out;
}
