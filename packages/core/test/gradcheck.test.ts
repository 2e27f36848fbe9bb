// Float64 gradcheck of every backward rule, by PyTorch grad_fn name: each case checks that the
// op records the rule it is listed under, compares autograd's Jacobian with central finite
// differences, and (where the second derivative says something) does the same for the
// gradients themselves with gradgradcheck. The table is typed by `GradFnName` and the first
// tests compare it with `gradFnNames`, so a rule added without a case fails CI.
import { describe, expect, it } from 'vitest';
import {
  autograd, cat, gradFnNames, indexAdd, linear, max, min, rsub, scatterAdd, square, stack, tensor, where, pow,
  type GradFnName, type Tensor,
} from '@torchlet/core';
import { gradcheck, GradcheckError, gradgradcheck, type GradcheckOptions } from '@torchlet/core/testing';

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

interface Case {
  /** What the case exercises (the test's name). */
  label: string;
  /** Fresh inputs: float64 leaves that require grad are checked, others are constants. */
  inputs: () => Tensor[];
  fn: Fn;
  /** Why gradgradcheck is skipped for this case: the second derivative says nothing. */
  noSecondOrder?: string;
  options?: GradcheckOptions;
}

type RuleName = Exclude<GradFnName, 'AccumulateGrad'>;

// ---- inputs ---------------------------------------------------------------------------------

// A small seeded generator (mulberry32), reseeded from each case's name so inputs do not depend
// on test order.
let seed = 1;
function reseed(label: string): void {
  seed = 0x9e3779b9;
  for (let i = 0; i < label.length; i++) seed = Math.imul(seed ^ label.charCodeAt(i), 0x85ebca6b) >>> 0;
}
function uniform(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function f64(values: ArrayLike<number>, shape: number[], requiresGrad = true): Tensor {
  return tensor(Float64Array.from(values), { shape, requiresGrad });
}

/** Values of magnitude in [0.2, 1] with random signs: away from the kinks at 0. */
function signed(shape: number[], requiresGrad = true): Tensor {
  return f64(Array.from({ length: numel(shape) }, () => (0.2 + 0.8 * uniform()) * (uniform() < 0.5 ? -1 : 1)), shape, requiresGrad);
}

/** Values in [0.3, 1.5]: inside the domain of log, sqrt and fractional powers. */
function positive(shape: number[], requiresGrad = true): Tensor {
  return f64(Array.from({ length: numel(shape) }, () => 0.3 + 1.2 * uniform()), shape, requiresGrad);
}

/** A shuffle of -0.95, -0.85, ... (steps of 0.1): distinct values, none at a clamp bound of ±0.5 or a max tie. */
function spaced(shape: number[], requiresGrad = true): Tensor {
  const n = numel(shape);
  const vals = Array.from({ length: n }, (_, i) => -0.95 + 0.1 * (i % 20) + 2 * Math.floor(i / 20));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [vals[i], vals[j]] = [vals[j], vals[i]];
  }
  return f64(vals, shape, requiresGrad);
}

/** `base` plus offsets of magnitude in [0.1, 0.5]: a second operand that never ties with the first. */
function apart(base: Tensor, shape: number[]): Tensor {
  const flat = base.detach().reshape(-1).tolist() as number[];
  // `base` repeats along the leading dims of `shape`, as broadcasting reads it
  const out = Array.from({ length: numel(shape) }, (_, i) => flat[i % flat.length] + (0.1 + 0.4 * uniform()) * (uniform() < 0.5 ? -1 : 1));
  return f64(out, shape);
}

function int32(values: number[], shape = [values.length]): Tensor {
  return tensor(Int32Array.from(values), { shape });
}

function bool(values: boolean[][] | boolean[]): Tensor {
  return tensor(values);
}

// ---- the cases ------------------------------------------------------------------------------

const ZERO_GRAD = 'the gradient is identically zero (piecewise constant or overwritten), so its derivative is zero everywhere';
const AT_TIE = 'at a tie the first derivative jumps, so the second is not defined there';

/** Runs `op` in place on a clone of `x`, so the result records the in-place op's rule. */
function inPlace(x: Tensor, op: (y: Tensor) => void): Tensor {
  const y = x.clone();
  op(y);
  return y;
}

const cases: Record<RuleName, Case[]> = {
  // ---- elementwise --------------------------------------------------------------------------
  AddBackward0: [
    { label: 'broadcast [2,3] + [3]', inputs: () => [signed([2, 3]), signed([3])], fn: (a, b) => a.add(b) },
    { label: 'alpha, [2,3] + 2.5·[2,1]', inputs: () => [signed([2, 3]), signed([2, 1])], fn: (a, b) => a.add(b, 2.5) },
    { label: 'scalar operand', inputs: () => [signed([4])], fn: (a) => a.add(1.5) },
    { label: 'constant tensor operand', inputs: () => [signed([2, 3]), signed([3], false)], fn: (a, b) => b.add(a) },
    { label: 'in place add_ with alpha', inputs: () => [signed([2, 3]), signed([3])], fn: (a, b) => inPlace(a, (y) => y.add_(b, -0.5)) },
  ],
  SubBackward0: [
    { label: 'broadcast [2,1] - [3]', inputs: () => [signed([2, 1]), signed([3])], fn: (a, b) => a.sub(b) },
    { label: 'alpha', inputs: () => [signed([3]), signed([3])], fn: (a, b) => a.sub(b, 0.25) },
    { label: 'scalar operand', inputs: () => [signed([2, 2])], fn: (a) => a.sub(3) },
    { label: 'in place sub_', inputs: () => [signed([2, 3]), signed([2, 1])], fn: (a, b) => inPlace(a, (y) => y.sub_(b, 2)) },
  ],
  RsubBackward1: [{ label: '2 - x', inputs: () => [signed([2, 3])], fn: (a) => rsub(a, 2) }],
  MulBackward0: [
    { label: 'broadcast [2,3]·[2,1]', inputs: () => [signed([2, 3]), signed([2, 1])], fn: (a, b) => a.mul(b) },
    { label: 'scalar operand', inputs: () => [signed([3])], fn: (a) => a.mul(-1.5) },
    { label: 'x·x (one input used twice)', inputs: () => [signed([2, 2])], fn: (a) => a.mul(a) },
    { label: 'only the second operand requires grad', inputs: () => [signed([3], false), signed([2, 3])], fn: (a, b) => a.mul(b) },
    { label: 'in place mul_ by a tensor', inputs: () => [signed([2, 3]), signed([3])], fn: (a, b) => inPlace(a, (y) => y.mul_(b)) },
    { label: 'in place mul_ by a scalar', inputs: () => [signed([2, 3])], fn: (a) => inPlace(a, (y) => y.mul_(3)) },
  ],
  DivBackward0: [
    { label: 'broadcast [2,3] / [3]', inputs: () => [signed([2, 3]), signed([3])], fn: (a, b) => a.div(b) },
    { label: 'scalar divisor', inputs: () => [signed([3])], fn: (a) => a.div(-4) },
    { label: 'only the divisor requires grad', inputs: () => [signed([2, 2], false), signed([2, 1])], fn: (a, b) => a.div(b) },
    { label: 'in place div_', inputs: () => [signed([2, 3]), signed([2, 1])], fn: (a, b) => inPlace(a, (y) => y.div_(b)) },
  ],
  PowBackward0: [
    { label: 'x³', inputs: () => [signed([2, 3])], fn: (a) => a.pow(3) },
    { label: 'x^0.5', inputs: () => [positive([4])], fn: (a) => a.pow(0.5) },
    { label: 'x^-2', inputs: () => [signed([3])], fn: (a) => a.pow(-2) },
    { label: 'x^0 (zero gradient)', inputs: () => [signed([3])], fn: (a) => a.pow(0) },
    { label: 'square(x)', inputs: () => [signed([2, 2])], fn: (a) => square(a) },
  ],
  PowBackward1: [
    { label: 'broadcast [2,3]^[3]', inputs: () => [positive([2, 3]), signed([3])], fn: (a, b) => a.pow(b) },
    { label: 'constant base', inputs: () => [positive([3], false), signed([3])], fn: (a, b) => a.pow(b) },
  ],
  PowBackward2: [
    { label: 'number base 2^x', inputs: () => [signed([2, 3])], fn: (b) => pow(2, b) },
    { label: 'number base 0.5^x', inputs: () => [signed([4])], fn: (b) => pow(0.5, b) },
    {
      label: 'zero base 0^x for positive x (zero gradient)',
      inputs: () => [positive([3])],
      fn: (b) => pow(0, b),
      noSecondOrder: "PyTorch's own second derivative in x is NaN here (0^x·ln 0 = 0·(-inf)); see the test below the table",
    },
  ],
  NegBackward0: [{ label: '-x', inputs: () => [signed([2, 3])], fn: (a) => a.neg() }],
  ExpBackward0: [{ label: 'eˣ', inputs: () => [signed([2, 3])], fn: (a) => a.exp() }],
  Expm1Backward0: [{ label: 'eˣ - 1', inputs: () => [signed([5])], fn: (a) => a.expm1() }],
  LogBackward0: [{ label: 'ln x', inputs: () => [positive([2, 3])], fn: (a) => a.log() }],
  Log1PBackward0: [{ label: 'ln(1 + x)', inputs: () => [signed([5])], fn: (a) => a.log1p() }],
  SqrtBackward0: [{ label: '√x', inputs: () => [positive([2, 3])], fn: (a) => a.sqrt() }],
  AbsBackward0: [{ label: '|x| away from 0', inputs: () => [signed([2, 3])], fn: (a) => a.abs() }],
  ReluBackward0: [{ label: 'relu away from 0', inputs: () => [signed([3, 3])], fn: (a) => a.relu() }],
  SigmoidBackward0: [{ label: 'σ(x)', inputs: () => [signed([2, 3])], fn: (a) => a.sigmoid() }],
  TanhBackward0: [{ label: 'tanh x', inputs: () => [signed([2, 3])], fn: (a) => a.tanh() }],
  ReciprocalBackward0: [{ label: '1/x', inputs: () => [signed([2, 3])], fn: (a) => a.reciprocal() }],
  SinBackward0: [{ label: 'sin x', inputs: () => [signed([2, 3])], fn: (a) => a.sin() }],
  CosBackward0: [{ label: 'cos x', inputs: () => [signed([2, 3])], fn: (a) => a.cos() }],
  SignBackward0: [{ label: 'sign x away from 0', inputs: () => [signed([2, 3])], fn: (a) => a.sign(), noSecondOrder: ZERO_GRAD }],
  ClampBackward1: [
    { label: 'clamp(-0.5, 0.5)', inputs: () => [spaced([4, 5])], fn: (a) => a.clamp(-0.5, 0.5) },
    { label: 'clamp(min)', inputs: () => [spaced([10])], fn: (a) => a.clamp(0.1) },
    { label: 'clamp(null, max)', inputs: () => [spaced([10])], fn: (a) => a.clamp(null, -0.2) },
    { label: 'in place clamp_', inputs: () => [spaced([2, 5])], fn: (a) => inPlace(a, (y) => y.clamp_(-0.3, 0.3)) },
  ],
  MaximumBackward0: [
    {
      label: 'broadcast [2,3] vs [3], no ties',
      inputs: () => {
        const b = signed([3]);
        return [apart(b, [2, 3]), b];
      },
      fn: (a, b) => a.maximum(b),
    },
    {
      label: 'ties split the gradient evenly (the central difference there is ½)',
      inputs: () => [f64([0.3, -0.7, 1], [3]), f64([0.3, 0.2, 1], [3])],
      fn: (a, b) => a.maximum(b),
      noSecondOrder: AT_TIE,
    },
  ],
  MinimumBackward0: [
    {
      label: 'broadcast [3] vs [2,3], no ties',
      inputs: () => {
        const a = signed([3]);
        return [a, apart(a, [2, 3])];
      },
      fn: (a, b) => a.minimum(b),
    },
    {
      label: 'ties split the gradient evenly',
      inputs: () => [f64([0.5, -0.25], [2]), f64([0.5, -0.25], [2])],
      fn: (a, b) => a.minimum(b),
      noSecondOrder: AT_TIE,
    },
  ],
  WhereBackward0: [
    {
      label: 'broadcast where([2,3], [2,3], [3])',
      inputs: () => [signed([2, 3]), signed([3])],
      fn: (a, b) => where(bool([[true, false, true], [false, false, true]]), a, b),
    },
    { label: 'number as the other branch', inputs: () => [signed([4])], fn: (a) => where(bool([true, false, false, true]), a, 0.5) },
  ],
  MaskedFillBackward0: [
    { label: 'broadcast mask [3] over [2,3]', inputs: () => [signed([2, 3])], fn: (a) => a.maskedFill(bool([false, true, false]), 0.5) },
  ],
  ToCopyBackward0: [
    {
      // values and steps exactly representable in float32, so the round trip is exact
      label: 'float64 → float32 → float64',
      inputs: () => [f64([0.5, -0.25, 0.75, -1.125], [2, 2])],
      fn: (a) => a.float().double(),
      options: { eps: 2 ** -10 },
    },
  ],

  // ---- reductions ---------------------------------------------------------------------------
  SumBackward0: [{ label: 'sum of all', inputs: () => [signed([2, 3])], fn: (a) => a.sum() }],
  SumBackward1: [
    { label: 'sum(1)', inputs: () => [signed([2, 3, 2])], fn: (a) => a.sum(1) },
    { label: 'sum([0, 2], keepdim)', inputs: () => [signed([2, 3, 2])], fn: (a) => a.sum([0, 2], true) },
    { label: 'sum(-1, keepdim)', inputs: () => [signed([3, 2])], fn: (a) => a.sum(-1, true) },
  ],
  MeanBackward0: [{ label: 'mean of all', inputs: () => [signed([3, 2])], fn: (a) => a.mean() }],
  MeanBackward1: [
    { label: 'mean(0)', inputs: () => [signed([3, 2])], fn: (a) => a.mean(0) },
    { label: 'mean([1, 2], keepdim)', inputs: () => [signed([2, 2, 3])], fn: (a) => a.mean([1, 2], true) },
    { label: 'mean(-1)', inputs: () => [signed([2, 4])], fn: (a) => a.mean(-1) },
  ],
  AmaxBackward0: [
    { label: 'amax(1)', inputs: () => [spaced([3, 4])], fn: (a) => a.amax(1) },
    { label: 'amax([0, 2], keepdim)', inputs: () => [spaced([2, 3, 2])], fn: (a) => a.amax([0, 2], true) },
    { label: 'amax() of all', inputs: () => [spaced([2, 3])], fn: (a) => a.amax() },
  ],
  AminBackward0: [
    { label: 'amin(0)', inputs: () => [spaced([3, 4])], fn: (a) => a.amin(0) },
    { label: 'amin(-1, keepdim)', inputs: () => [spaced([2, 2, 3])], fn: (a) => a.amin(-1, true) },
  ],
  MaxBackward1: [{ label: 'max(x) of all', inputs: () => [spaced([3, 4])], fn: (a) => max(a) }],
  MinBackward1: [{ label: 'min(x) of all', inputs: () => [spaced([3, 4])], fn: (a) => min(a) }],
  MaxBackward0: [
    { label: 'max(1).values', inputs: () => [spaced([3, 4])], fn: (a) => a.max(1).values },
    { label: 'max(0, keepdim).values', inputs: () => [spaced([3, 2, 2])], fn: (a) => a.max(0, true).values },
  ],
  MinBackward0: [
    { label: 'min(-1).values', inputs: () => [spaced([2, 3, 2])], fn: (a) => a.min(-1).values },
    { label: 'min(1, keepdim).values', inputs: () => [spaced([3, 4])], fn: (a) => a.min(1, true).values },
  ],
  VarBackward0: [
    { label: 'var() of all', inputs: () => [signed([2, 3])], fn: (a) => a.var() },
    { label: 'var(1)', inputs: () => [signed([3, 4])], fn: (a) => a.var(1) },
    { label: 'var([0, 2], correction 0, keepdim)', inputs: () => [signed([2, 3, 2])], fn: (a) => a.var([0, 2], { correction: 0, keepdim: true }) },
    { label: 'var(-1, correction 2)', inputs: () => [signed([2, 5])], fn: (a) => a.var(-1, { correction: 2 }) },
  ],
  StdBackward0: [
    { label: 'std() of all', inputs: () => [signed([2, 3])], fn: (a) => a.std() },
    { label: 'std(0, keepdim)', inputs: () => [signed([4, 3])], fn: (a) => a.std(0, { keepdim: true }) },
    { label: 'std([1, 2], correction 0)', inputs: () => [signed([2, 2, 3])], fn: (a) => a.std([1, 2], { correction: 0 }) },
  ],
  LogsumexpBackward0: [
    { label: 'logsumexp(1)', inputs: () => [signed([3, 4])], fn: (a) => a.logsumexp(1) },
    { label: 'logsumexp([0, 2], keepdim)', inputs: () => [signed([2, 3, 2])], fn: (a) => a.logsumexp([0, 2], true) },
    { label: 'logsumexp(-1) of large values (the shift by the max)', inputs: () => [f64([500, 501.5, 499, -3, -2.5, -4], [2, 3])], fn: (a) => a.logsumexp(-1) },
  ],
  NormBackward1: [
    { label: 'p = 2', inputs: () => [signed([2, 3])], fn: (a) => a.norm() },
    { label: 'p = 1 away from 0', inputs: () => [signed([5])], fn: (a) => a.norm(1) },
    { label: 'p = 3', inputs: () => [signed([2, 2])], fn: (a) => a.norm(3) },
    { label: 'p = 0.5', inputs: () => [signed([4])], fn: (a) => a.norm(0.5) },
    { label: 'p = Infinity without ties', inputs: () => [spaced([2, 3])], fn: (a) => a.norm(Infinity) },
  ],

  // ---- shape and views ----------------------------------------------------------------------
  ViewBackward0: [
    { label: 'view(3, 2)', inputs: () => [signed([2, 3])], fn: (a) => a.view(3, 2) },
    { label: 'reshape(-1) of a contiguous tensor', inputs: () => [signed([2, 2, 2])], fn: (a) => a.reshape(-1) },
  ],
  UnsafeViewBackward0: [
    { label: 'reshape of a transposed tensor (a copy)', inputs: () => [signed([2, 3])], fn: (a) => a.t().reshape(6) },
    { label: 'matmul [2,3,4] @ [2,4,2]', inputs: () => [signed([2, 3, 4]), signed([2, 4, 2])], fn: (a, b) => a.matmul(b) },
    { label: 'matmul broadcast batch [2,1,2,3] @ [3,3,2]', inputs: () => [signed([2, 1, 2, 3]), signed([3, 3, 2])], fn: (a, b) => a.matmul(b) },
    { label: 'matmul [2,3,4] @ [4]', inputs: () => [signed([2, 3, 4]), signed([4])], fn: (a, b) => a.matmul(b) },
    { label: 'matmul [3] @ [2,3,2]', inputs: () => [signed([3]), signed([2, 3, 2])], fn: (a, b) => a.matmul(b) },
  ],
  TransposeBackward0: [
    { label: 'transpose(0, 2)', inputs: () => [signed([2, 3, 2])], fn: (a) => a.transpose(0, 2) },
    { label: 'transpose(-1, -2)', inputs: () => [signed([2, 3])], fn: (a) => a.transpose(-1, -2) },
  ],
  TBackward0: [{ label: 't()', inputs: () => [signed([2, 3])], fn: (a) => a.t() }],
  PermuteBackward0: [{ label: 'permute(2, 0, 1)', inputs: () => [signed([2, 3, 2])], fn: (a) => a.permute(2, 0, 1) }],
  UnsqueezeBackward0: [
    { label: 'unsqueeze(1)', inputs: () => [signed([2, 3])], fn: (a) => a.unsqueeze(1) },
    { label: 'unsqueeze(-1)', inputs: () => [signed([3])], fn: (a) => a.unsqueeze(-1) },
  ],
  SqueezeBackward0: [{ label: 'squeeze()', inputs: () => [signed([2, 1, 3, 1])], fn: (a) => a.squeeze() }],
  SqueezeBackward1: [{ label: 'squeeze(1)', inputs: () => [signed([2, 1, 3])], fn: (a) => a.squeeze(1) }],
  ExpandBackward0: [
    { label: 'expand [3,1] → [2,3,4]', inputs: () => [signed([3, 1])], fn: (a) => a.expand(2, 3, 4) },
    { label: 'expand(-1, 4)', inputs: () => [signed([2, 1])], fn: (a) => a.expand(-1, 4) },
  ],
  CloneBackward0: [
    { label: 'clone()', inputs: () => [signed([2, 3])], fn: (a) => a.clone() },
    { label: 'contiguous() of a transpose', inputs: () => [signed([2, 3])], fn: (a) => a.t().contiguous() },
    { label: 'matmul [2,3] @ [2,3,2]', inputs: () => [signed([2, 3]), signed([2, 3, 2])], fn: (a, b) => a.matmul(b) },
  ],
  SliceBackward0: [
    { label: 'narrow(1, 1, 2)', inputs: () => [signed([2, 4])], fn: (a) => a.narrow(1, 1, 2) },
    { label: 'narrow(0, -2, 2)', inputs: () => [signed([3, 2])], fn: (a) => a.narrow(0, -2, 2) },
  ],
  SplitBackward0: [
    { label: 'split(2, 1) (three outputs)', inputs: () => [signed([2, 5])], fn: (a) => a.split(2, 1) },
    { label: 'chunk(2)', inputs: () => [signed([4, 2])], fn: (a) => a.chunk(2) },
  ],
  SplitWithSizesBackward0: [
    {
      // recorded only when chunk() splits an empty dim, so there is nothing for finite differences
      // to compare; the backward itself is run by the test below the table
      label: 'chunk(2) of an empty dim',
      inputs: () => [signed([0, 3])],
      fn: (a) => a.chunk(2),
    },
  ],
  SelectBackward0: [
    { label: 'select(1, -1)', inputs: () => [signed([2, 3])], fn: (a) => a.select(1, -1) },
    { label: 'select(0, 1) of 3-D', inputs: () => [signed([2, 2, 3])], fn: (a) => a.select(0, 1) },
  ],
  SliceBackwardBackward0: [
    {
      label: 'double backward of narrow: the gradient placed into zeros',
      inputs: () => [signed([2, 2])],
      fn: (v) => {
        const x = signed([2, 4]);
        return autograd.grad(x.narrow(1, 1, 2), x, { gradOutputs: v, createGraph: true })[0]!;
      },
    },
    {
      label: 'double backward of select',
      inputs: () => [signed([3])],
      fn: (v) => {
        const x = signed([3, 2]);
        return autograd.grad(x.select(1, 0), x, { gradOutputs: v, createGraph: true })[0]!;
      },
    },
  ],
  CatBackward0: [
    { label: 'cat along dim 1 of [2,1], [2,3], [2,2]', inputs: () => [signed([2, 1]), signed([2, 3]), signed([2, 2])], fn: (a, b, c) => cat([a, b, c], 1) },
    { label: 'cat along dim 0 with a constant', inputs: () => [signed([1, 3]), signed([2, 3], false)], fn: (a, b) => cat([b, a], 0) },
  ],
  StackBackward0: [
    { label: 'stack along dim 1', inputs: () => [signed([2, 3]), signed([2, 3])], fn: (a, b) => stack([a, b], 1) },
    { label: 'stack along the last dim', inputs: () => [signed([3]), signed([3]), signed([3])], fn: (a, b, c) => stack([a, b, c], -1) },
  ],

  // ---- matrix products ----------------------------------------------------------------------
  DotBackward0: [{ label: '[4]·[4]', inputs: () => [signed([4]), signed([4])], fn: (a, b) => a.matmul(b) }],
  MvBackward0: [
    { label: '[3,4] @ [4]', inputs: () => [signed([3, 4]), signed([4])], fn: (a, b) => a.matmul(b) },
    { label: 'transposed matrix', inputs: () => [signed([4, 3]), signed([4])], fn: (a, b) => a.t().matmul(b) },
  ],
  MmBackward0: [
    { label: '[2,3] @ [3,4]', inputs: () => [signed([2, 3]), signed([3, 4])], fn: (a, b) => a.matmul(b) },
    { label: 'transposed operands', inputs: () => [signed([3, 2]), signed([4, 3])], fn: (a, b) => a.t().matmul(b.t()) },
    { label: 'A @ A', inputs: () => [signed([3, 3])], fn: (a) => a.matmul(a) },
  ],
  SqueezeBackward3: [{ label: '[3] @ [3,4]', inputs: () => [signed([3]), signed([3, 4])], fn: (a, b) => a.matmul(b) }],
  AddmmBackward0: [
    { label: 'linear [4,3]·[2,3]ᵀ + [2]', inputs: () => [signed([4, 3]), signed([2, 3]), signed([2])], fn: (x, w, b) => linear(x, w, b) },
    { label: 'linear of a transposed input', inputs: () => [signed([3, 4]), signed([2, 3]), signed([2])], fn: (x, w, b) => linear(x.t(), w, b) },
  ],

  // ---- softmax ------------------------------------------------------------------------------
  SoftmaxBackward0: [
    { label: 'softmax(1)', inputs: () => [signed([2, 4])], fn: (a) => a.softmax(1) },
    { label: 'softmax(0) of 3-D', inputs: () => [signed([3, 2, 2])], fn: (a) => a.softmax(0) },
  ],
  LogSoftmaxBackward0: [
    { label: 'logSoftmax(-1)', inputs: () => [signed([2, 4])], fn: (a) => a.logSoftmax(-1) },
    { label: 'logSoftmax(1) of 3-D', inputs: () => [signed([2, 3, 2])], fn: (a) => a.logSoftmax(1) },
  ],

  // ---- indexing -----------------------------------------------------------------------------
  GatherBackward0: [
    { label: 'gather(1) with repeated indices', inputs: () => [signed([3, 4])], fn: (a) => a.gather(1, int32([0, 0, 3, 1, 2, 2], [3, 2])) },
    { label: 'gather(0)', inputs: () => [signed([3, 2])], fn: (a) => a.gather(0, int32([2, 0, 1, 1], [2, 2])) },
  ],
  ScatterAddBackward0: [
    {
      label: 'scatterAdd(1) with repeated indices',
      inputs: () => [signed([3, 4]), signed([3, 2])],
      fn: (base, src) => scatterAdd(base, 1, int32([1, 1, 0, 3, 2, 0], [3, 2]), src),
    },
  ],
  IndexSelectBackward0: [
    { label: 'indexSelect(0) with a repeat', inputs: () => [signed([3, 2])], fn: (a) => a.indexSelect(0, int32([2, 0, 2])) },
    { label: 'indexSelect(1)', inputs: () => [signed([2, 4])], fn: (a) => a.indexSelect(1, int32([3, 1])) },
  ],
  IndexAddBackward0: [
    {
      label: 'indexAdd(0) with a repeat',
      inputs: () => [signed([4, 2]), signed([3, 2])],
      fn: (base, src) => indexAdd(base, 0, int32([1, 3, 1]), src),
    },
  ],

  // ---- in place -----------------------------------------------------------------------------
  ZeroBackward0: [{ label: 'zero_() of a clone', inputs: () => [signed([2, 3])], fn: (a) => inPlace(a, (y) => y.zero_()), noSecondOrder: ZERO_GRAD }],
  FillBackward2: [{ label: 'fill_(2) of a clone', inputs: () => [signed([3])], fn: (a) => inPlace(a, (y) => y.fill_(2)), noSecondOrder: ZERO_GRAD }],
  CopyBackwards: [
    { label: 'copy_ broadcasting [3] into [2,3]', inputs: () => [signed([2, 3]), signed([3])], fn: (a, b) => inPlace(a, (y) => y.copy_(b)) },
  ],
};

// ---- the tests ------------------------------------------------------------------------------

function outputs(out: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(out) ? out : [out];
}

describe('the gradcheck table', () => {
  it('has a case for every backward rule in gradFnNames', () => {
    const missing = gradFnNames.filter((n) => n !== 'AccumulateGrad' && !(n in cases));
    expect(missing, 'backward rules without a gradcheck case: add one to the table').toEqual([]);
  });

  it('has no case for a name that is not a backward rule', () => {
    const stale = Object.keys(cases).filter((n) => !(gradFnNames as readonly string[]).includes(n));
    expect(stale, 'cases for rules that no longer exist: remove them').toEqual([]);
  });

  it('has at least one case per rule, each with float64 inputs that require grad', () => {
    for (const [name, list] of Object.entries(cases)) {
      expect(list.length, name).toBeGreaterThan(0);
      for (const c of list) {
        reseed(`${name}: ${c.label}`);
        const inputs = c.inputs();
        expect(inputs.some((x) => x.requiresGrad), `${name}: ${c.label}`).toBe(true);
        for (const x of inputs) if (x.requiresGrad) expect(x.dtype).toBe('float64');
      }
    }
  });
});

for (const [name, list] of Object.entries(cases) as [RuleName, Case[]][]) {
  describe(name, () => {
    for (const c of list) {
      it(c.label, () => {
        reseed(`${name}: ${c.label}`);
        const inputs = c.inputs();
        for (const out of outputs(c.fn(...inputs))) expect(out.gradFn?.name).toBe(name);
        expect(gradcheck(c.fn, inputs, c.options)).toBe(true);
        if (c.noSecondOrder === undefined) expect(gradgradcheck(c.fn, inputs, c.options)).toBe(true);
      });
    }
  });
}

describe('PowBackward2 with a zero base, double backward as in PyTorch', () => {
  it('is 0 in the output gradient and NaN in x (PyTorch 1.13 gives the same)', () => {
    const x = positive([3]);
    const v = f64([1, 1, 1], [3]);
    const [g] = autograd.grad(pow(0, x), x, { gradOutputs: v, createGraph: true });
    expect(g!.tolist()).toEqual([0, 0, 0]);
    const [dv, dx] = autograd.grad(g!.sum(), [v, x], { allowUnused: true });
    expect(dv!.tolist()).toEqual([0, 0, 0]);
    expect((dx!.tolist() as number[]).every(Number.isNaN)).toBe(true);
  });
});

describe('SplitWithSizesBackward0 on empty chunks', () => {
  it('runs backward and gives a gradient of the input shape', () => {
    const x = signed([0, 3]);
    const chunks = x.chunk(2);
    expect(chunks.map((c) => c.gradFn?.name)).toEqual(['SplitWithSizesBackward0', 'SplitWithSizesBackward0']);
    const [g] = autograd.grad(chunks[1], x, { gradOutputs: chunks[1].detach() });
    expect(g!.shape).toEqual([0, 3]);
  });
});

// ---- gradcheck itself -----------------------------------------------------------------------

describe('gradcheck', () => {
  const x = () => f64([0.5, -0.3, 1.2], [3]);

  it('passes for correct gradients, with several inputs and outputs', () => {
    expect(gradcheck((a) => a.sin().mul(a), [x()])).toBe(true);
    expect(gradcheck((a, b) => [a.mul(b), a.exp().sum()], [x(), f64([2, -1, 0.5], [3])])).toBe(true);
    expect(gradgradcheck((a, b) => [a.mul(b).sin(), a.exp().sum()], [x(), f64([2, -1, 0.5], [3])])).toBe(true);
  });

  it('throws a GradcheckError when a hook scales the gradient', () => {
    const scaled = (a: Tensor) => {
      const y = a.mul(1);
      y.registerHook((g) => g.mul(2));
      return y.sin();
    };
    expect(() => gradcheck(scaled, [x()])).toThrow(GradcheckError);
    expect(() => gradcheck(scaled, [x()])).toThrow(/Jacobian mismatch for output element 0 with respect to input 0, element 0: numerical .*, analytical/);
  });

  it('throws a GradcheckError when only one input has a wrong gradient', () => {
    const wrongB = (a: Tensor, b: Tensor) => {
      const c = b.mul(1);
      c.registerHook((g) => g.neg());
      return a.mul(c);
    };
    expect(() => gradcheck(wrongB, [x(), f64([1, 2, 3], [3])])).toThrow(/with respect to input 1/);
  });

  it('throws a GradcheckError when an output ignores a dependence autograd cannot see', () => {
    expect(() => gradcheck((a) => a.detach().mul(a), [x()])).toThrow(GradcheckError);
  });

  it('gradgradcheck throws when a backward is right but not differentiable in its gradient', () => {
    // the hook returns the same values cut from the graph: first order is right, second is not
    const cut = (a: Tensor) => {
      const y = a.mul(1);
      y.registerHook((g) => g.detach());
      return y.exp();
    };
    expect(gradcheck(cut, [x()])).toBe(true);
    expect(() => gradgradcheck(cut, [x()])).toThrow(GradcheckError);
  });

  it('gradgradcheck throws when a backward is right but its second derivative in x is not', () => {
    // y = x·c where c equals x but is a constant: d/dx is 2x·g by a hook, whose own derivative misses a term
    const half = (a: Tensor) => {
      const y = a.mul(a.detach());
      y.registerHook((g) => g.mul(2));
      return y;
    };
    expect(gradcheck(half, [x()])).toBe(true);
    expect(() => gradgradcheck(half, [x()])).toThrow(GradcheckError);
  });

  it('rejects float32 inputs that require grad', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    expect(() => gradcheck((t) => t.mul(2), [a])).toThrow(GradcheckError);
    expect(() => gradcheck((t) => t.mul(2), [a])).toThrow(/float64/);
  });

  it('leaves the inputs unchanged', () => {
    const a = x();
    const before = a.tolist();
    gradcheck((t) => t.exp(), [a]);
    gradgradcheck((t) => t.exp(), [a]);
    expect(a.tolist()).toEqual(before);
    expect(a.grad).toBeNull();
  });
});
