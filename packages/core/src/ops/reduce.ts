// Reductions: sum, mean, amax/amin, argmax/argmin, max/min along a dim, variance, logsumexp,
// norm. Kernels accumulate in float64; backward rules broadcast the gradient back with expand.
import { defineRules } from '../autograd/node.js';
import { produced, record } from '../autograd/record.js';
import type { ReduceKernel } from '../backend/backend.js';
import { kernels } from '../backend/registry.js';
import { type DType, isFloating } from '../dtype.js';
import { ArgumentError, DTypeError, DimError } from '../errors.js';
import { contiguousStrides, describe, normalizeDim, normalizeDims, numelOf } from '../shape.js';
import { empty, Tensor } from '../tensor.js';
import {
  abs, add, div, eq, exp, isfinite, isnan, log, logicalOr, maskedFill, mul, ne, pow, sign, sqrt, sub, to, where,
} from './elementwise.js';
import { checkTensor, floatDType, strided } from './operand.js';
import { contiguous, expand, reshape, unsqueeze } from './movement.js';

/** Reduced dims (sorted) and the output shapes with and without kept dims. */
interface Reduction {
  dims: number[];
  keptShape: number[];
  outShape: number[];
}

function plan(x: Tensor, dim: number | readonly number[] | null | undefined, keepdim: boolean, op: string): Reduction {
  const nd = x.shape.length;
  let dims: number[];
  if (dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0)) dims = x.shape.map((_, i) => i);
  else if (typeof dim === 'number') dims = [normalizeDim(dim, nd, op)];
  else if (Array.isArray(dim)) dims = normalizeDims(dim, nd, op);
  else throw new ArgumentError(`${op}(): dim must be a number or an array of numbers, got ${typeof dim}`);
  if (nd === 0) dims = [];
  if (dims.length > 1) dims.sort((a, b) => a - b);
  const keptShape = x.shape.slice();
  const outShape: number[] = [];
  for (let i = 0, j = 0; i < nd; i++) {
    if (j < dims.length && dims[j] === i) {
      keptShape[i] = 1;
      j++;
      if (keepdim) outShape.push(1);
    } else outShape.push(x.shape[i]);
  }
  return { dims, keptShape, outShape };
}

/** Folds `x` over `r.dims` with `op` into a new tensor of `dtype` (no recording). */
function reduceKernel(op: ReduceKernel, x: Tensor, r: Reduction, dtype: DType, identity: number): Tensor {
  const outStrides = contiguousStrides(r.keptShape).slice();
  for (const d of r.dims) outStrides[d] = 0;
  const acc = new Float64Array(numelOf(r.keptShape));
  if (identity !== 0) acc.fill(identity);
  kernels().reduce(op, strided(x), x.shape, outStrides, acc);
  const out = empty(r.outShape, dtype);
  if (dtype === 'float64') out._data.set(acc);
  else for (let i = 0; i < acc.length; i++) out._data[i] = acc[i];
  return out;
}

/** The gradient `g` of a reduction, shaped back to `x`'s shape by re-inserting reduced dims and expanding. */
function expandBack(g: Tensor, inputShape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  let t = g;
  if (!keepdim) for (const d of dims) t = unsqueeze(t, d);
  return expand(t, inputShape.slice());
}

const rules = defineRules({
  // d Σx = g broadcast to x's shape
  SumBackward0: (n, g) => [expand(g, n.ctx.shape.slice())],
  SumBackward1: (n, g) => [expandBack(g, n.ctx.shape, n.ctx.dims, n.ctx.keepdim)],
  // d mean(x) = g / N broadcast
  MeanBackward0: (n, g) => [div(expand(g, n.ctx.shape.slice()), n.ctx.count)],
  MeanBackward1: (n, g) => [div(expandBack(g, n.ctx.shape, n.ctx.dims, n.ctx.keepdim), n.ctx.count)],
  // d amax(x) = g split evenly among the positions equal to the max
  AmaxBackward0: (n, g) => [extremumGrad(n.saved(0), n.saved(1), g, n.ctx)],
  AminBackward0: (n, g) => [extremumGrad(n.saved(0), n.saved(1), g, n.ctx)],
  MaxBackward1: (n, g) => [extremumGrad(n.saved(0), n.saved(1), g, n.ctx)],
  MinBackward1: (n, g) => [extremumGrad(n.saved(0), n.saved(1), g, n.ctx)],
  // d max(x, dim) = g at the selected index along dim
  MaxBackward0: (n, g) => [indexGrad(n.saved(0), g, n.ctx)],
  MinBackward0: (n, g) => [indexGrad(n.saved(0), g, n.ctx)],
  // d ‖x‖ₚ = g·sign(x)·|x|ᵖ⁻¹/‖x‖ᵖ⁻¹  (0 where the norm is 0)
  // (p = 0 counts nonzeros: PyTorch gives no gradient at all)
  NormBackward1: (n, g) => [n.ctx === 0 ? null : normGrad(n.saved(0), n.saved(1), g, n.ctx)],
  // d var(x) = g·2(x - mean(x))/(N - correction)
  VarBackward0: (n, g) => [varGrad(n.saved(0), g, n.ctx)],
  // d std(x) = d var(x) at g/(2·std), 0 where std = 0   (saves the output)
  StdBackward0: (n, g) => {
    const y = n.saved(1);
    return [varGrad(n.saved(0), maskedFill(div(g, mul(y, 2)), eq(y, 0), 0), n.ctx)];
  },
  // d logsumexp(x) = g·exp(x - y)   (saves the output)
  LogsumexpBackward0: (n, g) => {
    const x = n.saved(0), y = n.saved(1), { dims, keepdim } = n.ctx;
    return [mul(expandBack(g, x.shape, dims, keepdim), exp(sub(x, expandBack(y, x.shape, dims, keepdim))))];
  },
});

/** The names of the backward rules defined in this file. */
export type ReduceGradFn = keyof typeof rules;
/** This file's backward rules, by PyTorch name. @internal */
export const reduceRules = rules;

function extremumGrad(x: Tensor, result: Tensor, g: Tensor, ctx: { dims: number[]; keepdim: boolean }): Tensor {
  const y = expandBack(result, x.shape, ctx.dims, ctx.keepdim);
  const mask = eq(x, y);
  const count = sum(mask, ctx.dims, true);
  return div(mul(expandBack(g, x.shape, ctx.dims, ctx.keepdim), mask), count);
}

/** int32 tensor of `shape` with dim `dim` kept (others 1) holding 0, 1, ... along it. */
function arangeAlong(shape: readonly number[], dim: number): Tensor {
  const size = shape[dim];
  const t = empty(shape.map((s, i) => (i === dim ? s : 1)), 'int32');
  for (let i = 0; i < size; i++) t._data[i] = i;
  return produced(t);
}

function indexGrad(indices: Tensor, g: Tensor, ctx: { shape: number[]; dim: number; keepdim: boolean }): Tensor {
  if (ctx.shape.length === 0) return g; // max(0-d, 0) selects the only element
  const idx = ctx.keepdim ? indices : unsqueeze(indices, ctx.dim);
  const gk = ctx.keepdim ? g : unsqueeze(g, ctx.dim);
  const oneHot = eq(arangeAlong(ctx.shape, ctx.dim), idx);
  return mul(expand(gk, ctx.shape.slice()), oneHot);
}

function normGrad(x: Tensor, norm: Tensor, g: Tensor, p: number): Tensor {
  let scaled: Tensor;
  if (p === Infinity || p === -Infinity) {
    // the gradient of amax/amin of |x|, split among ties (NaN entries count as the extreme)
    const mask = logicalOr(eq(abs(x), norm), isnan(x));
    scaled = div(mul(sign(x), mask), sum(mask));
  } else if (p === 1) {
    scaled = sign(x);
  } else if (p === 2) {
    scaled = div(x, norm);
  } else {
    scaled = div(mul(sign(x), pow(abs(x), p - 1)), pow(norm, p - 1));
    if (p < 1) scaled = where(eq(x, 0), 0, scaled); // |x|ᵖ⁻¹ is infinite at 0: PyTorch gives 0 there
  }
  const safe = where(eq(norm, 0), 0, scaled);
  return mul(safe, g);
}

function checkNumeric(x: Tensor, op: string): void {
  if (x.dtype === 'bool') throw new DTypeError(`${op}(): "${op}_cpu" not implemented for 'Bool'; convert with x.int() or x.float() first`);
}

/** Variance of `x` over `r.dims` computed with unrecorded ops (the caller records one node). */
function varianceOf(x: Tensor, r: Reduction, correction: number, keepdim: boolean): Tensor {
  const xd = x.detach();
  const count = r.dims.reduce((c, d) => c * x.shape[d], 1);
  const centered = sub(xd, mean(xd, r.dims, true));
  return div(sum(mul(centered, centered), r.dims, keepdim), Math.max(0, count - correction));
}

function varGrad(x: Tensor, g: Tensor, ctx: { dims: number[]; keepdim: boolean; correction: number }): Tensor {
  const count = ctx.dims.reduce((c, d) => c * x.shape[d], 1);
  const centered = sub(x, mean(x, ctx.dims, true));
  return mul(expandBack(g, x.shape, ctx.dims, ctx.keepdim), mul(centered, 2 / (count - ctx.correction)));
}

/** `t`'s fresh storage under another shape of the same size (not a view: `t` is not used again). */
function withShape(t: Tensor, shape: readonly number[]): Tensor {
  return produced(new Tensor(t._data, shape, contiguousStrides(shape), t._offset, t.dtype));
}

/** Sum over all elements or over `dim` (`torch.sum`). Integer and bool inputs sum to int32. */
export function sum(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  checkTensor(x, 'sum');
  const r = plan(x, dim, keepdim, 'sum');
  const all = dim === undefined || dim === null;
  const out = reduceKernel('sum', x, r, isFloating(x.dtype) ? x.dtype : 'int32', 0);
  const node = record(all ? rules.SumBackward0 : rules.SumBackward1, out, x);
  if (node !== null) node.ctx = { shape: x.shape, dims: r.dims, keepdim };
  return out;
}

/** Mean over all elements or over `dim` (`torch.mean`); needs a floating dtype, as PyTorch. */
export function mean(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  checkTensor(x, 'mean');
  if (!isFloating(x.dtype)) {
    throw new DTypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}; use x.float().mean()`,
    );
  }
  const r = plan(x, dim, keepdim, 'mean');
  const count = r.dims.reduce((c, d) => c * x.shape[d], 1);
  const out = reduceKernel('sum', x, r, x.dtype, 0);
  const data = out._data;
  for (let i = 0; i < data.length; i++) data[i] = data[i] / count;
  const all = dim === undefined || dim === null;
  const node = record(all ? rules.MeanBackward0 : rules.MeanBackward1, out, x);
  if (node !== null) node.ctx = { shape: x.shape, dims: r.dims, keepdim, count };
  return out;
}

function extremum(x: Tensor, dim: number | readonly number[] | null | undefined, keepdim: boolean, op: 'amax' | 'amin' | 'max' | 'min'): Tensor {
  checkTensor(x, op);
  const r = plan(x, dim, keepdim, op);
  const all = dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0);
  if (all && x.numel() === 0) {
    throw new DimError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  for (const d of r.dims) {
    if (x.shape[d] === 0) throw new DimError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  }
  const isMax = op === 'amax' || op === 'max';
  const out = reduceKernel(isMax ? 'max' : 'min', x, r, x.dtype, isMax ? -Infinity : Infinity);
  const rule = { amax: rules.AmaxBackward0, amin: rules.AminBackward0, max: rules.MaxBackward1, min: rules.MinBackward1 }[op];
  const node = record(rule, out, x);
  if (node !== null) {
    node.save(x, out);
    node.ctx = { dims: r.dims, keepdim };
  }
  return out;
}

/** Maximum over `dim` (all dims if omitted) (`torch.amax`). */
export function amax(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return extremum(x, dim, keepdim, 'amax');
}

/** Minimum over `dim` (all dims if omitted) (`torch.amin`). */
export function amin(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return extremum(x, dim, keepdim, 'amin');
}

/** Maximum of all elements (`torch.max(x)`). */
export function max(x: Tensor): Tensor {
  return extremum(x, undefined, false, 'max');
}

/** Minimum of all elements (`torch.min(x)`). */
export function min(x: Tensor): Tensor {
  return extremum(x, undefined, false, 'min');
}

/** Index of the max/min along `dim` via the argReduce kernel on a contiguous copy, as a new tensor of `outShape`. */
function argIndices(x: Tensor, dim: number, op: 'argmax' | 'argmin', outShape: readonly number[]): Tensor {
  const c = contiguous(x);
  const size = x.shape[dim];
  const outer = numelOf(x.shape.slice(0, dim));
  const inner = numelOf(x.shape.slice(dim + 1));
  const indices = empty(outShape, 'int32');
  kernels().argReduce(op, c._data.subarray(c._offset), outer, size, inner, indices._data as Int32Array);
  return produced(indices);
}

function argReduce(x: Tensor, dim: number | null | undefined, keepdim: boolean, op: 'argmax' | 'argmin'): Tensor {
  checkTensor(x, op);
  checkNumeric(x, op);
  if (dim === undefined || dim === null) {
    if (x.numel() === 0) throw new DimError(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
    return argIndices(reshape(x, [-1]), 0, op, keepdim ? x.shape.map(() => 1) : []);
  }
  const d = normalizeDim(dim, x.shape.length, op);
  if (x.shape.length === 0) return produced(empty([], 'int32'));
  if (x.shape[d] === 0) throw new DimError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  return argIndices(x, d, op, keepdim ? x.shape.map((s, i) => (i === d ? 1 : s)) : x.shape.filter((_, i) => i !== d));
}

/** Index of the maximum, flattened or along `dim`, as int32 (`torch.argmax`; PyTorch returns int64). */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argReduce(x, dim, keepdim, 'argmax');
}

/** Index of the minimum, flattened or along `dim`, as int32 (`torch.argmin`). */
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argReduce(x, dim, keepdim, 'argmin');
}

/** `{ values, indices }` of the max or min along `dim` (`torch.max(x, dim)`). */
export function maxDim(x: Tensor, dim: number, keepdim: boolean, op: 'max' | 'min'): { values: Tensor; indices: Tensor } {
  checkTensor(x, op);
  const d = normalizeDim(dim, x.shape.length, op);
  if (x.shape.length > 0 && x.shape[d] === 0) throw new DimError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const isMax = op === 'max';
  const r = plan(x, d, keepdim, op);
  const values = reduceKernel(isMax ? 'max' : 'min', x, r, x.dtype, isMax ? -Infinity : Infinity);
  const indices = x.shape.length === 0 ? produced(empty([], 'int32')) : argIndices(x, d, isMax ? 'argmax' : 'argmin', r.outShape);
  const node = record(isMax ? rules.MaxBackward0 : rules.MinBackward0, values, x);
  if (node !== null) {
    node.save(indices);
    node.ctx = { shape: x.shape.slice(), dim: d, keepdim };
  }
  return { values, indices };
}

type VarOptions = { correction?: number; keepdim?: boolean };

function varianceLike(x: Tensor, dim: number | readonly number[] | null | undefined, options: VarOptions, op: 'var' | 'std'): Tensor {
  checkTensor(x, op);
  if (!isFloating(x.dtype)) {
    throw new DTypeError(`${op}(): std and var only support floating point and complex dtypes (got ${x.dtype}); convert with x.float() first`);
  }
  const correction = options.correction ?? 1;
  const keepdim = options.keepdim ?? false;
  if (typeof correction !== 'number' || !Number.isFinite(correction)) throw new ArgumentError(`${op}(): correction must be a number, got ${describe(correction)}`);
  const r = plan(x, dim, keepdim, op);
  const v = varianceOf(x, r, correction, keepdim);
  const out = op === 'var' ? v : sqrt(v);
  const node = record(op === 'var' ? rules.VarBackward0 : rules.StdBackward0, out, x);
  if (node !== null) {
    node.save(x, op === 'std' ? out : null);
    node.ctx = { dims: r.dims, keepdim, correction };
  }
  return out;
}

/** Variance with `correction` (default 1, Bessel) over `dim`, all dims if omitted (`torch.var`). */
export function variance(x: Tensor, dim?: number | readonly number[] | null, options: VarOptions = {}): Tensor {
  return varianceLike(x, dim, options, 'var');
}

/** Standard deviation (`torch.std`): `sqrt(var)`, with its own backward node as in PyTorch. */
export function std(x: Tensor, dim?: number | readonly number[] | null, options: VarOptions = {}): Tensor {
  return varianceLike(x, dim, options, 'std');
}

/** `log Σ exp(x)` over `dim`, shifted by the max for stability (`torch.logsumexp`). Integer inputs give float32. */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  checkTensor(x, 'logsumexp');
  const xf = isFloating(x.dtype) ? x : to(x, floatDType(x.dtype));
  const r = plan(xf, dim, true, 'logsumexp');
  const xd = xf.detach();
  let kept: Tensor;
  if (r.dims.some((d) => xf.shape[d] === 0)) kept = log(sum(exp(xd), r.dims, true)); // an empty sum: log 0 = -inf
  else {
    const m = amax(xd, r.dims, true);
    const shift = where(isfinite(m), m, 0); // ±inf maxima are not subtracted (inf - inf would be NaN)
    kept = add(log(sum(exp(sub(xd, shift)), r.dims, true)), shift);
  }
  const out = keepdim ? kept : withShape(kept, plan(xf, dim, false, 'logsumexp').outShape);
  const node = record(rules.LogsumexpBackward0, out, xf);
  if (node !== null) {
    node.save(xf, out);
    node.ctx = { dims: r.dims, keepdim };
  }
  return out;
}

/**
 * The p-norm of all elements (`torch.norm(x, p)`): `(Σ|x|ᵖ)^(1/p)`; p = Infinity / -Infinity give
 * the largest / smallest |x|, p = 0 counts the nonzero elements.
 */
export function norm(x: Tensor, p = 2): Tensor {
  checkTensor(x, 'norm');
  if (!isFloating(x.dtype)) {
    throw new DTypeError(`norm(): input dtype should be either floating point or complex. Got ${x.dtype} instead; convert with x.float() first`);
  }
  if (typeof p !== 'number' || Number.isNaN(p)) throw new ArgumentError(`norm(): p must be a number, got ${describe(p)}`);
  const a = abs(x.detach());
  let out: Tensor;
  if (p === Infinity) out = amax(a);
  else if (p === -Infinity) out = amin(a);
  else if (p === 0) out = to(sum(ne(a, 0)), x.dtype);
  else if (p === 1) out = sum(a);
  else if (p === 2) out = sqrt(sum(mul(a, a)));
  else out = pow(sum(pow(a, p)), 1 / p);
  const node = record(rules.NormBackward1, out, x);
  if (node !== null) {
    // the output itself, not a detached copy: double backward differentiates through the norm
    node.save(x, out);
    node.ctx = p;
  }
  return out;
}

/** Sums `g` over broadcast dims so it has `shape` (the engine's reduction of broadcast gradients). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.shape.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const s = dims.length > 0 ? sum(g, dims, true) : g;
  return reshape(s, shape.slice());
}

/** Whether `shape` broadcasts to `target`. */
export function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) if (shape[i] !== 1 && shape[i] !== target[lead + i]) return false;
  return true;
}
