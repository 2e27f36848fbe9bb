// In-place ops. Each one checks everything first (so a failed call changes nothing), writes,
// bumps the version counter shared with views, and, when recording, rebases the tensor's
// history onto a new node whose first input is its previous history.
import { defineRules } from '../autograd/node.js';
import { checkInPlace, historySlot, recordInPlace } from '../autograd/record.js';
import type { BinaryKernel } from '../backend/backend.js';
import { kernels } from '../backend/registry.js';
import { type DType, isFloating, scalarTypeName } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, sameShape } from '../shape.js';
import { empty, emptyLike, type Tensor } from '../tensor.js';
import { checkAlpha, checkClamp, checkSub, clampDType, clampMask, elementwiseRules as ew, mul } from './elementwise.js';
import { assign, clone } from './movement.js';
import { binaryDType, checkOperand, checkTensor, scalarFor, strided, stridedAs, type TensorOrScalar } from './operand.js';

const rules = defineRules({
  // zero_/fill_ overwrite every element: no gradient flows to the old values
  ZeroBackward0: (_n, g) => [mul(g, 0)],
  FillBackward2: (_n, g) => [mul(g, 0)],
  // copy_: the old values get nothing, the source gets g
  CopyBackwards: (_n, g) => [mul(g, 0), g],
});

/** The names of the backward rules defined in this file. */
export type InPlaceGradFn = keyof typeof rules;
/** This file's backward rules, by PyTorch name. @internal */
export const inPlaceRules = rules;

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

function checkWritable(self: Tensor, op: string): void {
  for (let i = 0; i < self.shape.length; i++) {
    if (self._strides[i] === 0 && self.shape[i] > 1) {
      throw new ShapeError(
        `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.`,
      );
    }
  }
}

function checkResultType(self: Tensor, result: DType, op: string): void {
  if (CATEGORY[result] > CATEGORY[self.dtype]) {
    throw new DTypeError(
      `${op}: result type ${scalarTypeName(result)} can't be cast to the desired output type ${scalarTypeName(self.dtype)} ` +
        `(${result} into ${self.dtype}); use the out-of-place op, or convert self first, e.g. x = x.float()`,
    );
  }
}

// True when the elements of a strided layout tile one contiguous block exactly (a permuted contiguous tensor).
function isNonOverlappingAndDense(shape: readonly number[], strides: readonly number[]): boolean {
  const dims = shape.map((_, i) => i).filter((i) => shape[i] !== 1).sort((a, b) => strides[a] - strides[b]);
  let expected = 1;
  for (const d of dims) {
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** PyTorch's assert_no_partial_overlap: an operand may alias the written tensor fully, not in part. */
function checkNoPartialOverlap(self: Tensor, other: TensorOrScalar, op: string): void {
  if (typeof other === 'number' || other._data !== self._data || self.numel() === 0 || other.numel() === 0) return;
  // like PyTorch, layouts with gaps or repeats are too hard to tell and are read through a copy
  if (!isNonOverlappingAndDense(self.shape, self._strides) || !isNonOverlappingAndDense(other.shape, other._strides)) return;
  const aEnd = self._offset + self.numel(), bEnd = other._offset + other.numel();
  if (aEnd <= other._offset || bEnd <= self._offset) return; // disjoint
  if (self._offset === other._offset && aEnd === bEnd && sameShape(self._strides, other._strides)) return; // the same elements
  throw new ShapeError(
    `${op}: unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. ` +
      'Please clone() the tensor before performing the operation.',
  );
}

function checkBroadcastInto(self: Tensor, other: TensorOrScalar, op: string): void {
  if (typeof other === 'number') return;
  const shape = broadcastShapes(self.shape, other.shape);
  if (!sameShape(shape, self.shape)) {
    throw new ShapeError(`${op}: output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`);
  }
}

function bumpVersion(self: Tensor): void {
  (self._version ??= { value: 0 }).value++;
}

/** Writes `self op other` into `self`, through a temporary when `self` is not contiguous. */
function writeBinary(self: Tensor, kernel: BinaryKernel, other: TensorOrScalar): void {
  const k = kernels();
  const dense = self.isContiguous();
  const target = dense ? null : emptyLike(self);
  const out = target === null ? (self._offset === 0 ? self._data : self._data.subarray(self._offset)) : target._data;
  if (typeof other === 'number') k.binaryScalar(kernel, strided(self), scalarFor(other, self.dtype), false, self.shape, out);
  else k.binary(kernel, strided(self), stridedAs(other, self.shape), self.shape, out);
  if (target !== null) assign(self, target);
}

function binaryInPlace(
  self: Tensor,
  other: TensorOrScalar,
  op: string,
  kernel: BinaryKernel,
  resultType: DType,
  write: (operand: TensorOrScalar) => void = (operand) => writeBinary(self, kernel, operand),
): { recording: boolean; previous: ReturnType<typeof historySlot> } {
  checkTensor(self, op, 'self');
  checkOperand(other, op);
  checkWritable(self, op);
  checkResultType(self, resultType, op);
  checkBroadcastInto(self, other, op);
  checkNoPartialOverlap(self, other, op);
  const recording = checkInPlace(self, [other]);
  const previous = recording ? historySlot(self) : null;
  // an operand that shares self's storage is read through a copy, so writes cannot feed back
  const operand = typeof other === 'object' && other._data === self._data ? clone(other.detach()) : other;
  write(operand);
  bumpVersion(self);
  return { recording, previous };
}

function scaledOther(other: TensorOrScalar, alpha: number, dtype: DType): TensorOrScalar {
  if (alpha === 1) return other;
  if (typeof other === 'number') return other * alpha;
  // computed in the result dtype: float self += int other · 0.5 must not truncate
  const out = emptyLike(other, dtype);
  kernels().binaryScalar('mul', strided(other), alpha, false, other.shape, out._data);
  return out;
}

/**
 * `self += alpha·other` for a tensor `other` and a floating `self`, rounded once like PyTorch's
 * fused CPU kernel (the optimizer update), when the backend has the fused kernel; else null.
 */
function fusedAxpy(self: Tensor, alpha: number): ((operand: TensorOrScalar) => void) | null {
  const axpy = kernels().axpy;
  if (axpy === undefined || !isFloating(self.dtype)) return null;
  const a = scalarFor(alpha, self.dtype);
  return (operand) => axpy(a, stridedAs(operand as Tensor, self.shape), strided(self), self.shape);
}

/** `self += alpha·other` in place (`Tensor.add_`). */
export function add_(self: Tensor, other: TensorOrScalar, alpha = 1): Tensor {
  checkTensor(self, 'add_', 'self');
  checkOperand(other, 'add_');
  const rt = binaryDType(self, other);
  checkAlpha(rt, alpha);
  const fused = alpha !== 1 && typeof other === 'object' ? fusedAxpy(self, alpha) : null;
  const { recording, previous } = fused
    ? binaryInPlace(self, other, 'add_', 'add', rt, fused)
    : binaryInPlace(self, scaledOther(other, alpha, rt), 'add_', rt === 'bool' ? 'logicalOr' : 'add', rt);
  if (recording) recordInPlace(ew.AddBackward0, self, previous, other).ctx = alpha;
  return self;
}

/** `self -= alpha·other` in place (`Tensor.sub_`). */
export function sub_(self: Tensor, other: TensorOrScalar, alpha = 1): Tensor {
  checkTensor(self, 'sub_', 'self');
  checkOperand(other, 'sub_');
  checkSub(self, other);
  const rt = binaryDType(self, other);
  checkAlpha(rt, alpha);
  const fused = alpha !== 1 && typeof other === 'object' ? fusedAxpy(self, -alpha) : null;
  const { recording, previous } = fused
    ? binaryInPlace(self, other, 'sub_', 'sub', rt, fused)
    : binaryInPlace(self, scaledOther(other, alpha, rt), 'sub_', 'sub', rt);
  if (recording) recordInPlace(ew.SubBackward0, self, previous, other).ctx = alpha;
  return self;
}

/** `self *= other` in place (`Tensor.mul_`). */
export function mul_(self: Tensor, other: TensorOrScalar): Tensor {
  checkTensor(self, 'mul_', 'self');
  checkOperand(other, 'mul_');
  const rt = binaryDType(self, other);
  // the gradient of `other` needs self's values from before the write (a recorded clone, so
  // double backward reaches self's history through it)
  const before = typeof other === 'object' && other._requiresGrad ? clone(self) : null;
  const { recording, previous } = binaryInPlace(self, other, 'mul_', rt === 'bool' ? 'logicalAnd' : rt === 'int32' ? 'imul' : 'mul', rt);
  if (recording) {
    const node = recordInPlace(ew.MulBackward0, self, previous, other);
    if (typeof other === 'number') node.ctx = other;
    else node.save(before, previous !== null ? other : null);
  }
  return self;
}

/** `self /= other` in place (`Tensor.div_`). */
export function div_(self: Tensor, other: TensorOrScalar): Tensor {
  checkTensor(self, 'div_', 'self');
  checkOperand(other, 'div_');
  if (!isFloating(self.dtype)) checkResultType(self, 'float32', 'div_');
  const before = typeof other === 'object' && other._requiresGrad ? clone(self) : null;
  const { recording, previous } = binaryInPlace(self, other, 'div_', 'div', binaryDType(self, other));
  if (recording) {
    const node = recordInPlace(ew.DivBackward0, self, previous, other);
    if (typeof other === 'number') node.ctx = other;
    else node.save(before, other);
  }
  return self;
}

/** Fills `self` with `value` in place (`Tensor.fill_` / `zero_`). */
export function fill_(self: Tensor, value: number, op: 'fill_' | 'zero_'): Tensor {
  checkTensor(self, op, 'self');
  checkOperand(value, op, 'value');
  if (typeof value !== 'number') throw new DTypeError(`${op}: expected a number`);
  // no internal-overlap check: every element gets the same value (PyTorch fills expanded tensors too)
  const recording = checkInPlace(self, []);
  const previous = recording ? historySlot(self) : null;
  const v = self.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  if (self.isContiguous()) self._data.fill(v, self._offset, self._offset + self.numel());
  else assign(self, scalarTensor(v, self.dtype));
  bumpVersion(self);
  if (recording) recordInPlace(op === 'zero_' ? rules.ZeroBackward0 : rules.FillBackward2, self, previous);
  return self;
}

/** Copies `src` (broadcast to `self`'s shape, cast to its dtype) into `self` (`Tensor.copy_`). */
export function copy_(self: Tensor, src: Tensor): Tensor {
  checkTensor(self, 'copy_', 'self');
  checkTensor(src, 'copy_', 'src');
  checkWritable(self, 'copy_');
  checkBroadcastInto(self, src, 'copy_');
  const recording = checkInPlace(self, [src]);
  const previous = recording ? historySlot(self) : null;
  // read through a copy when src aliases self's storage
  const source = src._data === self._data ? clone(src.detach()) : src;
  assign(self, self.dtype === 'bool' && source.dtype !== 'bool' ? boolOf(source) : source);
  bumpVersion(self);
  if (recording) recordInPlace(rules.CopyBackwards, self, previous, src);
  return self;
}

function scalarTensor(value: number, dtype: DType): Tensor {
  const t = empty([], dtype);
  t._data[0] = value;
  return t;
}

function boolOf(t: Tensor): Tensor {
  const out = emptyLike(t, 'bool');
  kernels().binaryScalar('ne', strided(t), 0, false, t.shape, out._data);
  return out;
}

/** Clamps `self` into `[min, max]` in place (`Tensor.clamp_`). */
export function clamp_(self: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor(self, 'clamp_', 'self');
  const { hasMin, hasMax } = checkClamp(self, min, max);
  checkResultType(self, clampDType(self, min, max), 'clamp_');
  checkWritable(self, 'clamp_');
  const recording = checkInPlace(self, []);
  const previous = recording ? historySlot(self) : null;
  const mask = recording ? clampMask(self, min, max) : null;
  if (hasMin) writeBinary(self, 'maximum', min!);
  if (hasMax) writeBinary(self, 'minimum', max!);
  bumpVersion(self);
  if (recording) recordInPlace(ew.ClampBackward1, self, previous).save(mask);
  return self;
}
