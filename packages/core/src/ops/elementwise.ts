// Elementwise ops: arithmetic with broadcasting and PyTorch's type promotion, unary math,
// comparisons. Each forward sits next to its backward rule. Binary rules return gradients of
// the output's shape; the engine sums them back to each input's (broadcast) shape.
import { defineRules } from '../autograd/node.js';
import { produced, record, recordMany } from '../autograd/record.js';
import type { BinaryKernel, UnaryKernel } from '../backend/backend.js';
import { kernels } from '../backend/registry.js';
import { checkDType, type DType, isFloating, promoteTypes, resultType, scalarDType } from '../dtype.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import { empty, emptyLike, Tensor } from '../tensor.js';
import {
  binaryDType, checkOperand, checkTensor, floatDType, rejectBool, scalarFor, strided, stridedAs, type TensorOrScalar,
} from './operand.js';

// ---- forward helpers ----------------------------------------------------------------------

/** `op(a, b)` into a new tensor of `dtype` (no recording). */
function binaryKernel(kernel: BinaryKernel, a: Tensor, b: TensorOrScalar, dtype: DType): Tensor {
  if (typeof b === 'number') {
    const out = emptyLike(a, dtype);
    kernels().binaryScalar(kernel, strided(a), scalarFor(b, dtype), false, a.shape, out._data);
    return out;
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const out = shape === a.shape ? emptyLike(a, dtype) : empty(shape, dtype);
  kernels().binary(kernel, stridedAs(a, shape), stridedAs(b, shape), shape, out._data);
  return out;
}

/** `op(x)` into a new tensor of `dtype` (no recording). */
function unaryKernel(kernel: UnaryKernel, x: Tensor, dtype: DType): Tensor {
  const out = emptyLike(x, dtype);
  kernels().unary(kernel, strided(x), x.shape, out._data);
  return out;
}

function floatUnary(kernel: UnaryKernel, x: Tensor, op: string): Tensor {
  checkTensor(x, op);
  rejectBool(x, op);
  return unaryKernel(kernel, x, floatDType(x.dtype));
}

// ---- backward rules -----------------------------------------------------------------------

const rules = defineRules({
  // d(a + α·b) = g, α·g
  AddBackward0: (n, g) => [g, n.ctx === 1 ? g : mul(g, n.ctx)],
  // d(a - α·b) = g, -α·g
  SubBackward0: (n, g) => [g, n.ctx === 1 ? neg(g) : mul(g, -n.ctx)],
  // d(s - x) = -g
  RsubBackward1: (_n, g) => [neg(g)],
  // d(a·b) = b·g, a·g
  MulBackward0: (n, g) => [
    n.needsInputGrad(0) ? mul(g, n.ctx ?? n.saved(1)) : null,
    n.needsInputGrad(1) ? mul(g, n.saved(0)) : null,
  ],
  // d(a/b) = g/b, -g·a/b²
  DivBackward0: (n, g) => {
    const b = n.ctx ?? n.saved(1);
    return [
      n.needsInputGrad(0) ? div(g, b) : null,
      n.needsInputGrad(1) ? neg(mul(g, div(n.saved(0), mul(b, b)))) : null,
    ];
  },
  // d(xᵉ) = e·xᵉ⁻¹·g   (scalar exponent)
  PowBackward0: (n, g) => [n.ctx === 0 ? mul(g, 0) : mul(g, mul(pow(n.saved(0), n.ctx - 1), n.ctx))],
  // d(aᵇ) = b·aᵇ⁻¹·g (0 where b = 0), aᵇ·ln(a)·g (0 where a = 0 and b ≥ 0), as PyTorch
  PowBackward1: (n, g) => {
    const a = n.saved(0), b = n.saved(1);
    const da = n.needsInputGrad(0) ? where(eq(b, 0), 0, mul(g, mul(b, pow(a, sub(b, 1))))) : null;
    let db: Tensor | null = null;
    if (n.needsInputGrad(1)) {
      const term = mul(n.saved(2), log(a));
      db = mul(g, where(logicalAnd(eq(a, 0), ge(b, 0)), zerosOf(term), term));
    }
    return [da, db];
  },
  // d(sˣ) = sˣ·ln(s)·g   (scalar base; 0 where s = 0 and x ≥ 0, as PyTorch)
  PowBackward2: (n, g) => {
    const s = n.ctx as number;
    // the where picks the factor, not g·factor: ln 0 must not reach g's own gradient as 0·(-inf)
    const factor = mul(n.saved(0), Math.log(s));
    return [mul(g, s === 0 ? where(ge(n.saved(1), 0), 0, factor) : factor)];
  },
  // d(-x) = -g
  NegBackward0: (_n, g) => [neg(g)],
  // d(eˣ) = eˣ·g   (saves the output)
  ExpBackward0: (n, g) => [mul(g, n.saved(0))],
  // d(eˣ - 1) = eˣ·g = (y + 1)·g
  Expm1Backward0: (n, g) => [mul(g, add(n.saved(0), 1))],
  // d(ln x) = g/x
  LogBackward0: (n, g) => [div(g, n.saved(0))],
  // d(ln(1 + x)) = g/(1 + x)
  Log1PBackward0: (n, g) => [div(g, add(n.saved(0), 1))],
  // d(√x) = g/(2√x)   (saves the output)
  SqrtBackward0: (n, g) => [div(g, mul(n.saved(0), 2))],
  // d|x| = sign(x)·g
  AbsBackward0: (n, g) => [mul(g, sign(n.saved(0)))],
  // d relu(x) = g where y > 0 (or NaN), else 0   (saves the output; PyTorch's threshold_backward)
  ReluBackward0: (n, g) => [maskedFill(g, le(n.saved(0), 0), 0)],
  // d σ(x) = g·σ(x)·(1 - σ(x))   (saves the output)
  SigmoidBackward0: (n, g) => {
    const y = n.saved(0);
    return [mul(g, mul(y, rsub(y, 1)))];
  },
  // d tanh(x) = g·(1 - tanh²(x))   (saves the output)
  TanhBackward0: (n, g) => {
    const y = n.saved(0);
    return [mul(g, rsub(mul(y, y), 1))];
  },
  // d(1/x) = -g/x² = -g·y²   (saves the output)
  ReciprocalBackward0: (n, g) => {
    const y = n.saved(0);
    return [neg(mul(g, mul(y, y)))];
  },
  // d sin(x) = cos(x)·g
  SinBackward0: (n, g) => [mul(g, cos(n.saved(0)))],
  // d cos(x) = -sin(x)·g
  CosBackward0: (n, g) => [mul(g, neg(sin(n.saved(0))))],
  // sign is piecewise constant
  SignBackward0: (_n, g) => [zerosOf(g)],
  // d clamp(x) = g where min ≤ x ≤ max, else 0. clamp saves x and its bounds (so modifying x
  // before backward is caught, as in PyTorch); clamp_ saves the pass-through mask instead.
  ClampBackward1: (n, g) => [mul(g, n.ctx === null ? n.saved(0) : clampMask(n.saved(0), n.ctx.min, n.ctx.max))],
  // d max(a, b): g to the larger, split evenly on ties (a NaN operand passes g to both, as PyTorch)
  MaximumBackward0: (n, g) => splitByComparison(n.saved(0), n.saved(1), g, lt),
  MinimumBackward0: (n, g) => splitByComparison(n.saved(0), n.saved(1), g, gt),
  // d where(c, a, b) = g where c, g where not c
  WhereBackward0: (n, g) => {
    const c = n.saved(0);
    const z = zerosOf(g);
    return [where(c, g, z), where(c, z, g)];
  },
  // d maskedFill(x, m, v) = g with masked positions zeroed
  MaskedFillBackward0: (n, g) => [maskedFill(g, n.saved(0), 0)],
  // dtype conversion: the engine casts the gradient back to the input's dtype
  ToCopyBackward0: (_n, g) => [g],
});

/** The names of the backward rules defined in this file. */
export type ElementwiseGradFn = keyof typeof rules;
/** Rules shared with the in-place forms of these ops. @internal */
export const elementwiseRules = rules;

// PyTorch: where(a == b, g/2, g).masked_fill(a loses to b, 0), and the same for b.
function splitByComparison(a: Tensor, b: Tensor, g: Tensor, loses: (x: Tensor, y: Tensor) => Tensor): Tensor[] {
  const shared = where(eq(a, b), mul(g, 0.5), g);
  return [maskedFill(shared, loses(a, b), 0), maskedFill(shared, loses(b, a), 0)];
}

function zerosOf(t: Tensor): Tensor {
  return produced(emptyLike(t));
}

// ---- arithmetic ---------------------------------------------------------------------------

/** `a + alpha·b`, broadcasting (`torch.add`). */
export function add(a: Tensor, b: TensorOrScalar, alpha = 1): Tensor {
  checkTensor(a, 'add');
  checkOperand(b, 'add');
  const dtype = binaryDType(a, b);
  checkAlpha(dtype, alpha);
  let out: Tensor;
  if (dtype === 'bool') out = binaryKernel('logicalOr', a, b, dtype);
  else if (typeof b === 'number') out = binaryKernel('add', a, b * alpha, dtype);
  else out = alpha === 1 ? binaryKernel('add', a, b, dtype) : addScaled(a, b, alpha, dtype);
  const node = record(rules.AddBackward0, out, a, b);
  if (node !== null) node.ctx = alpha;
  return out;
}

/** `a - alpha·b`, broadcasting (`torch.sub`). */
export function sub(a: Tensor, b: TensorOrScalar, alpha = 1): Tensor {
  checkTensor(a, 'sub');
  checkOperand(b, 'sub');
  checkSub(a, b);
  const dtype = binaryDType(a, b);
  checkAlpha(dtype, alpha);
  let out: Tensor;
  if (typeof b === 'number') out = binaryKernel('sub', a, b * alpha, dtype);
  else out = alpha === 1 ? binaryKernel('sub', a, b, dtype) : addScaled(a, b, -alpha, dtype);
  const node = record(rules.SubBackward0, out, a, b);
  if (node !== null) node.ctx = alpha;
  return out;
}

/** PyTorch's sub_check: subtraction is not defined on bool tensors. @internal */
export function checkSub(a: Tensor, b: TensorOrScalar): void {
  const bBool = typeof b === 'object' && b.dtype === 'bool';
  if (a.dtype === 'bool' && bBool) {
    throw new DTypeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logicalXor()` operator instead.');
  }
  if (a.dtype === 'bool' || bBool) {
    throw new DTypeError(
      'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logicalNot()` operator instead.',
    );
  }
}

/** PyTorch's alpha_check: a fractional alpha needs a floating result. @internal */
export function checkAlpha(dtype: DType, alpha: number): void {
  if (typeof alpha !== 'number') throw new ArgumentError(`alpha must be a number, got ${typeof alpha}`);
  if (!isFloating(dtype) && !Number.isInteger(alpha)) {
    throw new DTypeError(`For integral input tensors, argument alpha must not be a floating point number. (the result is ${dtype}; got alpha = ${alpha})`);
  }
}

/**
 * `a + alpha·b` into a new tensor. For floating results it is rounded once, like PyTorch's
 * fused CPU kernel (an fma), when the backend has the fused axpy kernel.
 */
function addScaled(a: Tensor, b: Tensor, alpha: number, dtype: DType): Tensor {
  const axpy = kernels().axpy;
  if (axpy === undefined || !isFloating(dtype)) {
    return binaryKernel('add', a, binaryKernel('mul', b, alpha, promoteTypes(b.dtype, dtype)), dtype);
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const out = empty(shape, dtype);
  kernels().assign(strided(out), stridedAs(a, shape), shape);
  axpy(scalarFor(alpha, dtype), stridedAs(b, shape), strided(out), shape);
  return out;
}

/** `s - x` for a number `s` (`torch.rsub`). */
export function rsub(x: Tensor, s: number): Tensor {
  checkTensor(x, 'rsub');
  if (typeof s !== 'number') throw new ArgumentError(`rsub(): argument 'other' must be a number, not ${typeof s}`);
  checkSub(x, s);
  const dtype = binaryDType(x, s);
  const out = emptyLike(x, dtype);
  kernels().binaryScalar('sub', strided(x), scalarFor(s, dtype), true, x.shape, out._data);
  record(rules.RsubBackward1, out, x);
  return out;
}

/** Elementwise product, broadcasting (`torch.mul`). */
export function mul(a: Tensor, b: TensorOrScalar): Tensor {
  checkTensor(a, 'mul');
  checkOperand(b, 'mul');
  const dtype = binaryDType(a, b);
  const out = binaryKernel(dtype === 'bool' ? 'logicalAnd' : dtype === 'int32' ? 'imul' : 'mul', a, b, dtype);
  const node = record(rules.MulBackward0, out, a, b);
  if (node !== null) {
    if (typeof b === 'number') node.ctx = b;
    else node.save(node.needsInputGrad(1) ? a : null, node.needsInputGrad(0) ? b : null);
  }
  return out;
}

/** Elementwise true division, broadcasting (`torch.div`); integer inputs give float32. */
export function div(a: Tensor, b: TensorOrScalar): Tensor {
  checkTensor(a, 'div');
  checkOperand(b, 'div');
  const dtype = floatDType(binaryDType(a, b));
  const out = binaryKernel('div', a, b, dtype);
  const node = record(rules.DivBackward0, out, a, b);
  if (node !== null) {
    if (typeof b === 'number') node.ctx = b;
    else node.save(node.needsInputGrad(1) ? a : null, b);
  }
  return out;
}

/** Elementwise power (`torch.pow`): tensor or number base, tensor or number exponent. */
export function pow(base: TensorOrScalar, exponent: TensorOrScalar): Tensor {
  if (typeof base === 'number') return powScalarBase(base, exponent);
  checkTensor(base, 'pow', 'self');
  checkOperand(exponent, 'pow', 'exponent');
  const dtype = binaryDType(base, exponent);
  if (dtype === 'bool') throw new DTypeError('pow(): not supported for bool tensors; convert with .float() first');
  if (dtype === 'int32' && typeof exponent === 'number' && exponent < 0) {
    throw new ArgumentError('Integers to negative integer powers are not allowed.');
  }
  const out = binaryKernel('pow', base, exponent, dtype);
  if (typeof exponent === 'number') {
    const node = record(rules.PowBackward0, out, base);
    if (node !== null) {
      node.ctx = exponent;
      node.save(base);
    }
  } else {
    record(rules.PowBackward1, out, base, exponent)?.save(base, exponent, out);
  }
  return out;
}

/** `sˣ` for a number base: the result type of (x, s), recorded as PowBackward2 like PyTorch. */
function powScalarBase(base: number, exponent: TensorOrScalar): Tensor {
  checkTensor(exponent, 'pow', 'exponent');
  const dtype = binaryDType(exponent, base);
  const out = emptyLike(exponent, dtype);
  kernels().binaryScalar('pow', strided(exponent), scalarFor(base, dtype), true, exponent.shape, out._data);
  const node = record(rules.PowBackward2, out, exponent);
  if (node !== null) {
    node.ctx = base;
    node.save(out, base === 0 ? exponent : null);
  }
  return out;
}

function fullScalar(value: number, dtype: DType): Tensor {
  const t = empty([], dtype);
  t._data[0] = value;
  return t;
}

/** Elementwise maximum (`torch.maximum`). */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return extremum(a, b, 'maximum', rules.MaximumBackward0);
}

/** Elementwise minimum (`torch.minimum`). */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return extremum(a, b, 'minimum', rules.MinimumBackward0);
}

function extremum(a: Tensor, b: Tensor, op: 'maximum' | 'minimum', rule: (typeof rules)['MaximumBackward0' | 'MinimumBackward0']): Tensor {
  checkTensor(a, op);
  checkTensor(b, op, 'other');
  const out = binaryKernel(op, a, b, binaryDType(a, b));
  record(rule, out, a, b)?.save(a, b);
  return out;
}

// ---- unary math ---------------------------------------------------------------------------

/** `-x` (`torch.neg`). */
export function neg(x: Tensor): Tensor {
  checkTensor(x, 'neg');
  if (x.dtype === 'bool') {
    throw new DTypeError('Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `logicalNot()` operator instead.');
  }
  const out = unaryKernel('neg', x, x.dtype);
  record(rules.NegBackward0, out, x);
  return out;
}

/** `eˣ` (`torch.exp`). */
export function exp(x: Tensor): Tensor {
  const out = floatUnary('exp', x, 'exp');
  record(rules.ExpBackward0, out, x)?.save(out);
  return out;
}

/** `eˣ - 1`, accurate near 0 (`torch.expm1`). */
export function expm1(x: Tensor): Tensor {
  const out = floatUnary('expm1', x, 'expm1');
  record(rules.Expm1Backward0, out, x)?.save(out);
  return out;
}

/** Natural logarithm (`torch.log`). */
export function log(x: Tensor): Tensor {
  const out = floatUnary('log', x, 'log');
  record(rules.LogBackward0, out, x)?.save(x);
  return out;
}

/** `ln(1 + x)`, accurate near 0 (`torch.log1p`). */
export function log1p(x: Tensor): Tensor {
  const out = floatUnary('log1p', x, 'log1p');
  record(rules.Log1PBackward0, out, x)?.save(x);
  return out;
}

/** Square root (`torch.sqrt`). */
export function sqrt(x: Tensor): Tensor {
  const out = floatUnary('sqrt', x, 'sqrt');
  record(rules.SqrtBackward0, out, x)?.save(out);
  return out;
}

/** Absolute value (`torch.abs`). */
export function abs(x: Tensor): Tensor {
  checkTensor(x, 'abs');
  rejectBool(x, 'abs');
  const out = unaryKernel('abs', x, x.dtype);
  record(rules.AbsBackward0, out, x)?.save(x);
  return out;
}

/** `max(x, 0)` (`torch.relu`). */
export function relu(x: Tensor): Tensor {
  checkTensor(x, 'relu');
  if (x.dtype === 'bool') throw new DTypeError('Boolean inputs not supported for relu; convert with x.float() or x.int() first');
  const out = unaryKernel('relu', x, x.dtype);
  record(rules.ReluBackward0, out, x)?.save(out);
  return out;
}

/** Logistic sigmoid (`torch.sigmoid`). */
export function sigmoid(x: Tensor): Tensor {
  const out = floatUnary('sigmoid', x, 'sigmoid');
  record(rules.SigmoidBackward0, out, x)?.save(out);
  return out;
}

/** Hyperbolic tangent (`torch.tanh`). */
export function tanh(x: Tensor): Tensor {
  const out = floatUnary('tanh', x, 'tanh');
  record(rules.TanhBackward0, out, x)?.save(out);
  return out;
}

/** `1/x` (`torch.reciprocal`). */
export function reciprocal(x: Tensor): Tensor {
  const out = floatUnary('reciprocal', x, 'reciprocal');
  record(rules.ReciprocalBackward0, out, x)?.save(out);
  return out;
}

/** Sine (`torch.sin`). */
export function sin(x: Tensor): Tensor {
  const out = floatUnary('sin', x, 'sin');
  record(rules.SinBackward0, out, x)?.save(x);
  return out;
}

/** Cosine (`torch.cos`). */
export function cos(x: Tensor): Tensor {
  const out = floatUnary('cos', x, 'cos');
  record(rules.CosBackward0, out, x)?.save(x);
  return out;
}

/** `x²` (`torch.square`, recorded as PowBackward0 like PyTorch). */
export function square(x: Tensor): Tensor {
  checkTensor(x, 'square');
  return pow(x.dtype === 'bool' ? to(x, 'int32') : x, 2);
}

/** -1, 0 or 1 by sign (`torch.sign`). */
export function sign(x: Tensor): Tensor {
  checkTensor(x, 'sign');
  const out = x.dtype === 'bool' ? unaryKernel('identity', x, 'bool') : unaryKernel('sign', x, x.dtype);
  record(rules.SignBackward0, out, x);
  return out;
}

/** Clamps into `[min, max]`; either bound may be omitted (`torch.clamp`). */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor(x, 'clamp');
  const { hasMin, hasMax } = checkClamp(x, min, max);
  const dtype = clampDType(x, min, max);
  let out = hasMin ? binaryKernel('maximum', x, min as number, dtype) : unaryKernel('identity', x, dtype);
  if (hasMax) out = binaryKernel('minimum', out, max as number, dtype);
  const node = record(rules.ClampBackward1, out, x);
  if (node !== null) {
    node.save(x);
    node.ctx = { min, max };
  }
  return out;
}

/** Validates clamp bounds. @internal */
export function checkClamp(x: Tensor, min?: number | null, max?: number | null): { hasMin: boolean; hasMax: boolean } {
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) throw new ArgumentError("clamp(): at least one of 'min' or 'max' must not be None");
  if ((hasMin && typeof min !== 'number') || (hasMax && typeof max !== 'number')) throw new ArgumentError('clamp(): min and max must be numbers');
  return { hasMin, hasMax };
}

/** The result type of clamp: x promoted with its number bounds (`int32 tensor` with 0.5 is float32, bool with 0 is int32). @internal */
export function clampDType(x: Tensor, min?: number | null, max?: number | null): DType {
  let dtype = x.dtype;
  for (const bound of [min, max]) {
    if (typeof bound === 'number') dtype = resultType(dtype, x.shape.length, scalarDType(bound), 0, true);
  }
  return dtype;
}

/** Where the gradient of clamp passes: min ≤ x ≤ max. @internal */
export function clampMask(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const low = min !== undefined && min !== null ? binaryKernel('ge', x, min, 'bool') : null;
  const high = max !== undefined && max !== null ? binaryKernel('le', x, max, 'bool') : null;
  return produced(low && high ? binaryKernel('logicalAnd', low, high, 'bool') : (low ?? high)!);
}

// ---- comparisons and logic (not differentiable) -------------------------------------------

function compare(kernel: BinaryKernel, a: Tensor, b: TensorOrScalar, op: string): Tensor {
  checkTensor(a, op);
  checkOperand(b, op);
  const common = binaryDType(a, b);
  const out = typeof b === 'number' ? binaryKernel(kernel, a, scalarFor(b, common), 'bool') : binaryKernel(kernel, a, b, 'bool');
  return produced(out);
}

/** `a == b` as bool (`torch.eq`). */
export const eq = (a: Tensor, b: TensorOrScalar): Tensor => compare('eq', a, b, 'eq');
/** `a != b` as bool (`torch.ne`). */
export const ne = (a: Tensor, b: TensorOrScalar): Tensor => compare('ne', a, b, 'ne');
/** `a < b` as bool (`torch.lt`). */
export const lt = (a: Tensor, b: TensorOrScalar): Tensor => compare('lt', a, b, 'lt');
/** `a <= b` as bool (`torch.le`). */
export const le = (a: Tensor, b: TensorOrScalar): Tensor => compare('le', a, b, 'le');
/** `a > b` as bool (`torch.gt`). */
export const gt = (a: Tensor, b: TensorOrScalar): Tensor => compare('gt', a, b, 'gt');
/** `a >= b` as bool (`torch.ge`). */
export const ge = (a: Tensor, b: TensorOrScalar): Tensor => compare('ge', a, b, 'ge');

/** Logical and of two tensors read as booleans (`torch.logical_and`). */
export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  return compare('logicalAnd', a, b, 'logicalAnd');
}
/** Logical or (`torch.logical_or`). */
export function logicalOr(a: Tensor, b: Tensor): Tensor {
  return compare('logicalOr', a, b, 'logicalOr');
}
/** Logical not (`torch.logical_not`). */
export function logicalNot(x: Tensor): Tensor {
  checkTensor(x, 'logicalNot');
  return produced(unaryKernel('logicalNot', x, 'bool'));
}
/** True where NaN (`torch.isnan`). */
export function isnan(x: Tensor): Tensor {
  checkTensor(x, 'isnan');
  return produced(unaryKernel('isnan', x, 'bool'));
}
/** True where finite (`torch.isfinite`). */
export function isfinite(x: Tensor): Tensor {
  checkTensor(x, 'isfinite');
  return produced(unaryKernel('isfinite', x, 'bool'));
}

// ---- selection and conversion -------------------------------------------------------------

/** `cond ? a : b` elementwise with broadcasting (`torch.where`); numbers are accepted for a and b. */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  checkTensor(cond, 'where', 'condition');
  if (cond.dtype !== 'bool') {
    throw new DTypeError(`where(): expected condition to be a boolean tensor, but got a tensor with dtype ${cond.dtype}; compare first, e.g. x.gt(0)`);
  }
  checkOperand(a, 'where', 'input');
  checkOperand(b, 'where', 'other');
  const dtype = whereDType(a, b);
  const ta = typeof a === 'number' ? fullScalar(a, dtype) : a;
  const tb = typeof b === 'number' ? fullScalar(b, dtype) : b;
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape), tb.shape);
  const out = empty(shape, dtype);
  kernels().where(stridedAs(cond, shape), stridedAs(ta, shape), stridedAs(tb, shape), shape, out._data);
  recordMany(rules.WhereBackward0, out, [ta, tb])?.save(cond);
  return out;
}

function whereDType(a: TensorOrScalar, b: TensorOrScalar): DType {
  if (typeof a !== 'number') return binaryDType(a, b);
  if (typeof b !== 'number') return binaryDType(b, a);
  return Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float32';
}

/**
 * Replaces elements where `mask` (bool) is true with `value` (`Tensor.masked_fill`). Input and
 * mask broadcast together, as in PyTorch's out-of-place masked_fill.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkTensor(x, 'maskedFill');
  checkTensor(mask, 'maskedFill', 'mask');
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedFill(): masked_fill only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  if (typeof value !== 'number') throw new ArgumentError(`maskedFill(): value must be a number, got ${typeof value}`);
  const shape = broadcastShapes(mask.shape, x.shape);
  const out = shape === x.shape ? emptyLike(x) : empty(shape, x.dtype);
  const fill = fullScalar(x.dtype === 'bool' ? Number(value !== 0) : scalarFor(value, x.dtype), x.dtype);
  kernels().where(stridedAs(mask, shape), stridedAs(fill, shape), stridedAs(x, shape), shape, out._data);
  record(rules.MaskedFillBackward0, out, x)?.save(mask);
  return out;
}

/** A copy of `x` as `dtype`, or `x` itself if it already is (`Tensor.to(dtype)`). */
export function to(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'to');
  checkDType(dtype, 'to');
  if (x.dtype === dtype) return x;
  const out = emptyLike(x, dtype);
  // Storing into an Int32Array truncates toward zero, as PyTorch's float-to-int cast does.
  if (dtype === 'bool') kernels().binaryScalar('ne', strided(x), 0, false, x.shape, out._data);
  else kernels().copy(strided(x), x.shape, out._data);
  if (isFloating(dtype)) record(rules.ToCopyBackward0, out, x);
  else produced(out);
  return out;
}
