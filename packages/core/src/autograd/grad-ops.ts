// The few ops the engine itself needs, gathered so the engine reads as an algorithm.
import { produced } from './record.js';
import { kernels } from '../backend/registry.js';
import type { DType } from '../dtype.js';
import { emptyLike, type Tensor } from '../tensor.js';
import { add as addOp, to } from '../ops/elementwise.js';
import { clone as cloneOp, detach } from '../ops/movement.js';
import { expandableTo as expandable, sumToShape as sumTo } from '../ops/reduce.js';
import { strided, stridedAs } from '../ops/operand.js';

export const add = (a: Tensor, b: Tensor): Tensor => addOp(a, b);
export const clone = (t: Tensor): Tensor => cloneOp(t);
export const cast = (t: Tensor, dtype: DType): Tensor => to(t, dtype);
export const sumToShape = sumTo;
export const expandableTo = expandable;

/** Ones shaped like `t`: the implicit gradient of a scalar output. */
export function onesLike(t: Tensor): Tensor {
  const out = emptyLike(t);
  out._data.fill(1);
  return produced(out);
}

/** A contiguous copy of `g`, outside any graph: what a leaf's `.grad` starts as. */
export function cloneDetached(g: Tensor): Tensor {
  const out = emptyLike(g);
  kernels().copy(strided(g), g.shape, out._data);
  return produced(out);
}

/** Whether `t` is a plain contiguous tensor over all of its own storage, outside any graph. */
export function ownsStorage(t: Tensor): boolean {
  return (
    !t._requiresGrad && t._offset === 0 && t._data.length === t.numel() && (t._extra === null || t._extra.base === null) && t.isContiguous()
  );
}

/** `acc += g` on a gradient buffer the engine owns (contiguous, not part of any graph). */
export function addInto(acc: Tensor, g: Tensor): void {
  kernels().binary('add', strided(acc), stridedAs(g, acc.shape), acc.shape, acc._data.subarray(acc._offset));
  (acc._version ??= { value: 0 }).value++;
}

/** Whether any element is NaN (anomaly mode). */
export function hasNaN(t: Tensor): boolean {
  const d = detach(t).contiguous();
  const n = d.numel();
  for (let i = 0; i < n; i++) if (d._data[d._offset + i] !== d._data[d._offset + i]) return true;
  return false;
}
