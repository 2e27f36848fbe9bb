// Property tests of every op under random input: random shapes, broadcasting pairs, dims
// (negative too), keepdim, and non-contiguous inputs (transposed, expanded, sliced and selected
// views). For each generated case:
//   1. forward in float32 and float64 equals a naive float64 reference loop written here;
//   2. gradcheck passes (autograd's Jacobian vs central differences, float64), differentiating
//      through the view with respect to the leaf the view was made from;
//   3. gradgradcheck passes (second order), for ops whose second derivative says something.
// The fixture tests pin values against PyTorch on hand-picked cases; these sweep the space.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import {
  cat, gather, indexAdd, isfinite, isnan, linear, linearRelu, logicalAnd, logicalNot, logicalOr, max, min, pow, rsub, scatterAdd, stack, tensor, where,
  type DType, type Tensor,
} from '@torchlet/core';
import { gradcheck, gradgradcheck } from '@torchlet/core/testing';
import {
  announceSeed, broadcastPairArb, broadcastShape, check, dimArb, dimsArb, type Domain, expectRef, inputArb, type Input, type Layout, leafOf,
  mapN, normDim, numel, permuteRef, type Ref, ref, reduceRef, refOf, reportCounts, shapeArb, unravel, ravel, valuesOf,
} from './helpers/property.js';

const FILE = 'property-ops';
beforeAll(() => announceSeed(FILE));
afterAll(() => reportCounts(FILE));
// generous: CI runs these next to other packages' tests on two cores
vi.setConfig({ testTimeout: 120_000 });

interface Case<P> {
  inputs: Input[];
  params: P;
}

interface OpSpec<P> {
  arb: fc.Arbitrary<Case<P>>;
  run: (xs: Tensor[], p: P) => Tensor | Tensor[];
  ref: (rs: Ref[], p: P) => Ref | Ref[];
  /** No gradient (comparisons, argmax): forward only. */
  noGrad?: true;
  /** Why second order is skipped. */
  noSecondOrder?: string;
  runs?: number;
}

const RUNS = 30;
const specs: Record<string, OpSpec<any>> = {};

function op<P>(name: string, spec: OpSpec<P>): void {
  specs[name] = spec;
}

const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

function runCase<P>(name: string, spec: OpSpec<P>, c: Case<P>): void {
  // 1. forward, both float dtypes, against the float64 reference of the values as stored
  for (const dtype of ['float32', 'float64'] as DType[]) {
    const xs = c.inputs.map((inp) => inp.view(leafOf(inp, dtype, false)));
    const outs = asList(spec.run(xs, c.params));
    const refs = asList(spec.ref(c.inputs.map((inp) => refOf(inp, dtype)), c.params));
    if (outs.length !== refs.length) throw new Error(`${name}: ${outs.length} outputs, reference has ${refs.length}`);
    outs.forEach((o, i) => expectRef(o, refs[i], `${name} ${dtype} output ${i} (layouts ${c.inputs.map((x) => x.layout)})`));
  }
  if (spec.noGrad) return;
  // 2. and 3. gradients with respect to the leaves behind the views
  const leaves = c.inputs.map((inp) => leafOf(inp));
  const fn = (...ls: Tensor[]) => spec.run(ls.map((l, i) => c.inputs[i].view(l)), c.params);
  gradcheck(fn, leaves);
  if (spec.noSecondOrder === undefined) gradgradcheck(fn, leaves);
}

// ---- elementwise ------------------------------------------------------------------------------

const shape03 = shapeArb(0, 3, 3, 18);

function unary(name: string, domain: Domain, run: (x: Tensor) => Tensor, f: (v: number) => number, extra: Partial<OpSpec<null>> = {}): void {
  op(name, {
    arb: shape03.chain((s) => inputArb(s, domain)).map((inp) => ({ inputs: [inp], params: null })),
    run: ([x]) => run(x),
    ref: ([r]) => mapN([r], f),
    ...extra,
  });
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
unary('neg', 'any', (x) => x.neg(), (v) => -v);
unary('exp', 'any', (x) => x.exp(), Math.exp);
unary('expm1', 'any', (x) => x.expm1(), Math.expm1);
unary('log', 'positive', (x) => x.log(), Math.log);
unary('log1p', 'positive', (x) => x.log1p(), Math.log1p);
unary('sqrt', 'positive', (x) => x.sqrt(), Math.sqrt);
unary('abs', 'nonzero', (x) => x.abs(), Math.abs);
unary('relu', 'nonzero', (x) => x.relu(), (v) => Math.max(v, 0));
unary('sigmoid', 'any', (x) => x.sigmoid(), sigmoid);
unary('tanh', 'any', (x) => x.tanh(), Math.tanh);
unary('reciprocal', 'nonzero', (x) => x.reciprocal(), (v) => 1 / v);
unary('sin', 'any', (x) => x.sin(), Math.sin);
unary('cos', 'any', (x) => x.cos(), Math.cos);
unary('square', 'any', (x) => x.square(), (v) => v * v);
unary('sign', 'nonzero', (x) => x.sign(), Math.sign, { noSecondOrder: 'piecewise constant' });
unary('contiguous', 'any', (x) => x.contiguous(), (v) => v);
unary('clone', 'any', (x) => x.clone(), (v) => v);

// ops with a number operand: the scalar drawn with the case
function withScalar(name: string, domain: Domain, scalars: number[], run: (x: Tensor, s: number) => Tensor, f: (v: number, s: number) => number): void {
  op(name, {
    arb: fc.tuple(shape03.chain((s) => inputArb(s, domain)), fc.constantFrom(...scalars)).map(([inp, s]) => ({ inputs: [inp], params: s })),
    run: ([x], s) => run(x, s),
    ref: ([r], s) => mapN([r], (v) => f(v, s)),
  });
}
// scalars exactly representable in float32, so both dtypes compute with the same number
withScalar('add(x, number)', 'any', [1.5, -0.25, 3], (x, s) => x.add(s), (v, s) => v + s);
withScalar('sub(x, number)', 'any', [1.5, -0.25], (x, s) => x.sub(s), (v, s) => v - s);
withScalar('rsub(x, number)', 'any', [2, -0.5], (x, s) => rsub(x, s), (v, s) => s - v);
withScalar('mul(x, number)', 'any', [-1.5, 0.25, 4], (x, s) => x.mul(s), (v, s) => v * s);
withScalar('div(x, number)', 'any', [-4, 0.5], (x, s) => x.div(s), (v, s) => v / s);
withScalar('pow(x, number)', 'positive', [2, 3, 0.5, -2, -0.5], (x, s) => x.pow(s), (v, s) => v ** s);
withScalar('pow(number, x)', 'any', [2, 0.5], (x, s) => pow(s, x), (v, s) => s ** v);

// clamp with bounds half a grid step off the values, so no value sits on a bound
op('clamp', {
  arb: fc
    .tuple(shape03.chain((s) => inputArb(s, 'any')), fc.integer({ min: -300, max: 300 }), fc.integer({ min: 0, max: 300 }), fc.constantFrom('both', 'min', 'max'))
    .map(([inp, lo, width, which]) => ({ inputs: [inp], params: { min: which === 'max' ? null : (lo + 0.5) / 512, max: which === 'min' ? null : (lo + width + 0.5) / 512 } })),
  run: ([x], p) => x.clamp(p.min, p.max),
  ref: ([r], p) => mapN([r], (v) => Math.min(Math.max(v, p.min ?? -Infinity), p.max ?? Infinity)),
});

function binary(name: string, da: Domain, db: Domain, run: (a: Tensor, b: Tensor, p: any) => Tensor, f: (a: number, b: number, p: any) => number, params: fc.Arbitrary<any> = fc.constant(null), extra: Partial<OpSpec<any>> = {}): void {
  op(name, {
    arb: fc.tuple(broadcastPairArb(3, 18).chain(([a, b]) => fc.tuple(inputArb(a, da), inputArb(b, db))), params).map(([[a, b], p]) => ({ inputs: [a, b], params: p })),
    run: ([a, b], p) => run(a, b, p),
    ref: ([a, b], p) => mapN([a, b], (x, y) => f(x, y, p)),
    ...extra,
  });
}
const alphas = fc.constantFrom(1, 2.5, -0.5);
binary('add', 'any', 'any', (a, b, alpha) => a.add(b, alpha), (x, y, alpha) => x + alpha * y, alphas);
binary('sub', 'any', 'any', (a, b, alpha) => a.sub(b, alpha), (x, y, alpha) => x - alpha * y, alphas);
binary('mul', 'any', 'any', (a, b) => a.mul(b), (x, y) => x * y);
binary('div', 'any', 'nonzero', (a, b) => a.div(b), (x, y) => x / y);
// exponent 0 is excluded: there PyTorch's first derivative in the base is where(b == 0, 0, ...),
// whose derivative in b is 0 rather than 1/a, so gradgradcheck disagrees with finite differences
binary('pow', 'positive', 'nonzero', (a, b) => a.pow(b), (x, y) => x ** y);
binary('maximum', 'any', 'offgrid', (a, b) => a.maximum(b), (x, y) => Math.max(x, y));
binary('minimum', 'offgrid', 'any', (a, b) => a.minimum(b), (x, y) => Math.min(x, y));
for (const [cmp, f] of [
  ['eq', (x: number, y: number) => x === y], ['ne', (x: number, y: number) => x !== y], ['lt', (x: number, y: number) => x < y],
  ['le', (x: number, y: number) => x <= y], ['gt', (x: number, y: number) => x > y], ['ge', (x: number, y: number) => x >= y],
] as const) {
  binary(cmp, 'coarse', 'coarse', (a, b) => (a as any)[cmp](b), (x, y) => Number(f(x, y)), fc.constant(null), { noGrad: true });
}
op('logicalAnd / logicalOr / logicalNot / isnan / isfinite', {
  arb: broadcastPairArb(3, 18).chain(([a, b]) => fc.tuple(inputArb(a, 'coarse'), inputArb(b, 'coarse'))).map((inputs) => ({ inputs, params: null })),
  run: ([a, b]) => [logicalAnd(a.gt(0), b.ne(0)), logicalOr(a.lt(0), b.gt(0)), logicalNot(a), isnan(a.log()), isfinite(b.reciprocal())],
  ref: ([a, b]) => [
    mapN([a, b], (x, y) => Number(x > 0 && y !== 0)), mapN([a, b], (x, y) => Number(x < 0 || y > 0)), mapN([a], (x) => Number(x === 0)),
    mapN([a], (x) => Number(x < 0)), mapN([b], (y) => Number(y !== 0)),
  ],
  noGrad: true,
});

// where and maskedFill with a random broadcast boolean mask
const maskArb = (shape: readonly number[]) =>
  fc.tuple(fc.nat({ max: shape.length }), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 })).chain(([drop, ones]) => {
    const ms = shape.slice(drop).map((s, i) => (ones[i % 3] ? 1 : s));
    return fc.array(fc.boolean(), { minLength: numel(ms), maxLength: numel(ms) }).map((v) => ({ shape: ms, values: v }));
  });
op('where', {
  arb: broadcastPairArb(3, 18).chain(([a, b]) =>
    fc.tuple(inputArb(a, 'any'), inputArb(b, 'any'), maskArb(broadcastShape(a, b)!)).map(([x, y, m]) => ({ inputs: [x, y], params: m })),
  ),
  run: ([a, b], m) => where(tensor(Uint8Array.from(m.values.map(Number)), { shape: m.shape, dtype: 'bool' }), a, b),
  ref: ([a, b], m) => mapN([ref(m.shape, m.values.map(Number)), a, b], (c, x, y) => (c ? x : y)),
});
op('maskedFill', {
  arb: shape03.chain((s) => fc.tuple(inputArb(s, 'any'), maskArb(s), fc.constantFrom(0.5, -2))).map(([x, m, v]) => ({ inputs: [x], params: { ...m, v } })),
  run: ([x], m) => x.maskedFill(tensor(Uint8Array.from(m.values.map(Number)), { shape: m.shape, dtype: 'bool' }), m.v),
  ref: ([x], m) => mapN([ref(m.shape, m.values.map(Number)), x], (c, v) => (c ? m.v : v)),
});

// ---- reductions -------------------------------------------------------------------------------

type DimsParam = { dims: number[] | null; keepdim: boolean; nd: number };
const reduceArb = (domain: Domain, allowAll = true, layouts?: Layout[]) =>
  shapeArb(0, 3, 3, 18).chain((s) =>
    fc.tuple(inputArb(s, domain, layouts), allowAll ? fc.option(dimsArb(s.length), { nil: null }) : dimsArb(s.length), fc.boolean()).map(([inp, dims, keepdim]) => ({
      inputs: [inp],
      params: { dims, keepdim, nd: s.length } as DimsParam,
    })),
  );
const normDims = (p: DimsParam) => (p.dims === null || p.nd === 0 ? [...Array(p.nd).keys()] : p.dims.map((d) => normDim(d, p.nd)).sort());
const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);

function reduction(name: string, domain: Domain, run: (x: Tensor, p: DimsParam) => Tensor, fold: (v: number[]) => number, extra: Partial<OpSpec<DimsParam>> = {}): void {
  op(name, {
    arb: reduceArb(domain),
    run: ([x], p) => run(x, p),
    ref: ([r], p) => reduceRef(r, normDims(p), p.keepdim && p.dims !== null, fold),
    ...extra,
  });
}
reduction('sum', 'any', (x, p) => (p.dims === null ? x.sum() : x.sum(p.dims, p.keepdim)), sumOf);
reduction('mean', 'any', (x, p) => (p.dims === null ? x.mean() : x.mean(p.dims, p.keepdim)), (v) => sumOf(v) / v.length);
reduction('amax', 'distinct', (x, p) => (p.dims === null ? x.amax() : x.amax(p.dims, p.keepdim)), (v) => Math.max(...v));
reduction('amin', 'distinct', (x, p) => (p.dims === null ? x.amin() : x.amin(p.dims, p.keepdim)), (v) => Math.min(...v));
op('logsumexp', {
  arb: reduceArb('any'),
  run: ([x], p) => x.logsumexp(p.dims ?? [...Array(p.nd).keys()], p.keepdim),
  ref: ([r], p) => reduceRef(r, normDims(p), p.keepdim, (v) => {
    const m = Math.max(...v);
    return Math.log(sumOf(v.map((x) => Math.exp(x - m)))) + m;
  }),
});
op('max() / min() of all', {
  arb: reduceArb('distinct').map((c) => ({ ...c, params: c.params })),
  run: ([x]) => [max(x), min(x)],
  ref: ([r]) => [ref([], [Math.max(...r.data)]), ref([], [Math.min(...r.data)])],
});
op('var / std', {
  // not over expanded inputs: a group of equal values has std 0, where std is not differentiable
  arb: fc.tuple(reduceArb('distinct', true, ['contiguous', 'transposed', 'sliced', 'selected']), fc.constantFrom(0, 1, 2)).filter(([c, corr]) => {
    const p = c.params;
    const count = normDims(p).reduce((a, d) => a * c.inputs[0].shape[d], 1);
    return count - corr > 0 && count > 1;
  }).map(([c, correction]) => ({ inputs: c.inputs, params: { ...c.params, correction } })),
  run: ([x], p) => {
    const o = { correction: p.correction, keepdim: p.keepdim };
    return [x.var(p.dims, o), x.std(p.dims, o)];
  },
  ref: ([r], p) => {
    const variance = (v: number[]) => {
      const m = sumOf(v) / v.length;
      return sumOf(v.map((x) => (x - m) ** 2)) / (v.length - p.correction);
    };
    const keep = p.keepdim;
    return [reduceRef(r, normDims(p), keep, variance), reduceRef(r, normDims(p), keep, (v) => Math.sqrt(variance(v)))];
  },
});
op('norm(p)', {
  arb: fc.tuple(shape03.filter((s) => numel(s) > 0).chain((s) => inputArb(s, 'distinctAbs')), fc.constantFrom(1, 2, 3, 0.5, Infinity)).map(([inp, p]) => ({ inputs: [inp], params: p })),
  run: ([x], p) => x.norm(p),
  ref: ([r], p) => ref([], [p === Infinity ? Math.max(...Array.from(r.data, Math.abs)) : sumOf(Array.from(r.data, (v) => Math.abs(v) ** p)) ** (1 / p)]),
});

// max/min/argmax/argmin along one dim, with indices
type DimParam = { dim: number; keepdim: boolean; nd: number };
const dimCaseArb = (domain: Domain, minDims = 0) =>
  shapeArb(minDims, 3, 3, 18).chain((s) => fc.tuple(inputArb(s, domain), dimArb(s.length), fc.boolean()).map(([inp, dim, keepdim]) => ({
    inputs: [inp], params: { dim, keepdim, nd: s.length } as DimParam,
  })));
const argOf = (v: number[], best: (a: number, b: number) => boolean) => v.reduce((bi, x, i) => (best(x, v[bi]) ? i : bi), 0);
op('max(dim) / min(dim)', {
  arb: dimCaseArb('distinct'),
  run: ([x], p) => {
    const a = x.max(p.dim, p.keepdim), b = x.min(p.dim, p.keepdim);
    return [a.values, a.indices, b.values, b.indices];
  },
  ref: ([r], p) => {
    const d = p.nd === 0 ? [] : [normDim(p.dim, p.nd)];
    return [
      reduceRef(r, d, p.keepdim, (v) => Math.max(...v)), reduceRef(r, d, p.keepdim, (v) => argOf(v, (a, b) => a > b)),
      reduceRef(r, d, p.keepdim, (v) => Math.min(...v)), reduceRef(r, d, p.keepdim, (v) => argOf(v, (a, b) => a < b)),
    ];
  },
});
op('argmax / argmin', {
  arb: dimCaseArb('distinct').chain((c) => fc.boolean().map((flat) => ({ inputs: c.inputs, params: { ...c.params, flat } }))),
  run: ([x], p) => (p.flat ? [x.argmax(), x.argmin(null, p.keepdim)] : [x.argmax(p.dim, p.keepdim), x.argmin(p.dim, p.keepdim)]),
  ref: ([r], p) => {
    if (p.flat) {
      const all = [...Array(p.nd).keys()];
      return [ref([], [argOf(Array.from(r.data), (a, b) => a > b)]), reduceRef(r, all, p.keepdim, (v) => argOf(v, (a, b) => a < b))];
    }
    const d = p.nd === 0 ? [] : [normDim(p.dim, p.nd)];
    return [reduceRef(r, d, p.keepdim, (v) => argOf(v, (a, b) => a > b)), reduceRef(r, d, p.keepdim, (v) => argOf(v, (a, b) => a < b))];
  },
  noGrad: true,
});

// softmax and log-softmax along a dim
function softmaxRef(r: Ref, dim: number, log: boolean): Ref {
  const nd = r.shape.length;
  const out = new Float64Array(r.data.length);
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, r.shape);
    const row: number[] = [];
    const size = nd === 0 ? 1 : r.shape[dim];
    for (let k = 0; k < size; k++) {
      const j = idx.slice();
      if (nd > 0) j[dim] = k;
      row.push(r.data[ravel(j, r.shape)]);
    }
    const m = Math.max(...row);
    const z = sumOf(row.map((v) => Math.exp(v - m)));
    out[i] = log ? r.data[i] - m - Math.log(z) : Math.exp(r.data[i] - m) / z;
  }
  return { shape: r.shape.slice(), data: out };
}
op('softmax / logSoftmax', {
  arb: dimCaseArb('any'),
  run: ([x], p) => [x.softmax(p.dim), x.logSoftmax(p.dim)],
  ref: ([r], p) => [softmaxRef(r, normDim(p.dim, p.nd), false), softmaxRef(r, normDim(p.dim, p.nd), true)],
});

// ---- shape and views --------------------------------------------------------------------------

/** A random shape with `n` elements and 1..3 dims, possibly with one -1. */
function reshapeTargetArb(n: number): fc.Arbitrary<number[]> {
  const factors: number[] = [];
  for (let m = n, f = 2; m > 1; ) {
    if (m % f === 0) {
      factors.push(f);
      m /= f;
    } else f++;
  }
  return fc.tuple(fc.array(fc.nat({ max: 2 }), { minLength: factors.length, maxLength: factors.length }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: -1, max: 2 }))
    .map(([slots, nd, infer]) => {
      const shape = Array<number>(nd).fill(1);
      factors.forEach((f, i) => (shape[slots[i] % nd] *= f));
      if (infer >= 0 && infer < nd && n > 0) shape[infer] = -1;
      return shape;
    });
}
op('reshape', {
  arb: shape03.chain((s) => fc.tuple(inputArb(s, 'any'), reshapeTargetArb(numel(s)))).map(([inp, target]) => ({ inputs: [inp], params: target })),
  run: ([x], target) => x.reshape(target),
  ref: ([r], target) => {
    const known = target.filter((s: number) => s !== -1).reduce((a: number, b: number) => a * b, 1);
    return ref(target.map((s: number) => (s === -1 ? r.data.length / known : s)), r.data);
  },
});
op('flatten(start, end)', {
  arb: shapeArb(1, 3, 3, 18).chain((s) => fc.tuple(inputArb(s, 'any'), dimArb(s.length), dimArb(s.length))).map(([inp, a, b]) => {
    const nd = inp.shape.length;
    const [s, e] = [normDim(a, nd), normDim(b, nd)].sort();
    return { inputs: [inp], params: { start: s === normDim(a, nd) ? a : b, end: s === normDim(a, nd) ? b : a, s, e } };
  }),
  run: ([x], p) => x.flatten(p.start, p.end),
  ref: ([r], p) => ref([...r.shape.slice(0, p.s), numel(r.shape.slice(p.s, p.e + 1)), ...r.shape.slice(p.e + 1)], r.data),
});
op('transpose(d0, d1)', {
  arb: shapeArb(0, 3, 3, 18).chain((s) => fc.tuple(inputArb(s, 'any'), dimArb(s.length), dimArb(s.length))).map(([inp, a, b]) => ({ inputs: [inp], params: [a, b] })),
  run: ([x], [a, b]) => x.transpose(a, b),
  ref: ([r], [a, b]) => {
    const nd = r.shape.length;
    const perm = [...Array(nd).keys()];
    if (nd > 0) [perm[normDim(a, nd)], perm[normDim(b, nd)]] = [perm[normDim(b, nd)], perm[normDim(a, nd)]];
    return permuteRef(r, perm);
  },
});
op('permute', {
  arb: shapeArb(0, 3, 3, 18).chain((s) =>
    fc.tuple(inputArb(s, 'any'), fc.shuffledSubarray([...Array(s.length).keys()], { minLength: s.length, maxLength: s.length }), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length })),
  ).map(([inp, perm, neg]) => ({ inputs: [inp], params: { perm, dims: perm.map((d, i) => (neg[i] ? d - perm.length : d)) } })),
  run: ([x], p) => x.permute(p.dims),
  ref: ([r], p) => permuteRef(r, p.perm),
});
op('t()', {
  arb: shapeArb(0, 2, 3, 9).chain((s) => inputArb(s, 'any')).map((inp) => ({ inputs: [inp], params: null })),
  run: ([x]) => x.t(),
  ref: ([r]) => (r.shape.length === 2 ? permuteRef(r, [1, 0]) : r),
});
op('unsqueeze / squeeze', {
  arb: shapeArb(0, 3, 3, 18).chain((s) => fc.tuple(inputArb(s, 'any'), fc.integer({ min: -s.length - 1, max: s.length }), fc.option(dimArb(s.length), { nil: undefined })))
    .map(([inp, u, sq]) => ({ inputs: [inp], params: { u, sq } })),
  run: ([x], p) => [x.unsqueeze(p.u), x.squeeze(p.sq)],
  ref: ([r], p) => {
    const nd = r.shape.length;
    const u = p.u < 0 ? p.u + nd + 1 : p.u;
    const us = [...r.shape.slice(0, u), 1, ...r.shape.slice(u)];
    const sd = p.sq === undefined ? -1 : normDim(p.sq, nd);
    const ss = r.shape.filter((s, i) => (p.sq === undefined ? s !== 1 : i !== sd || s !== 1));
    return [ref(us, r.data), ref(ss, r.data)];
  },
});
op('expand', {
  arb: shapeArb(0, 3, 3, 12).chain((s) =>
    fc.tuple(inputArb(s, 'any'), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: s.length, maxLength: s.length }), fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 1 }), fc.boolean()),
  ).map(([inp, grow, lead, keepMinus]) => {
    const target = [...lead, ...inp.shape.map((d, i) => (d === 1 ? grow[i] : keepMinus ? -1 : d))];
    return { inputs: [inp], params: target };
  }),
  run: ([x], target) => x.expand(target),
  ref: ([r], target) => {
    const lead = target.length - r.shape.length;
    const shape = target.map((d: number, i: number) => (d === -1 ? r.shape[i - lead] : d));
    return mapN([r, ref(shape, new Float64Array(numel(shape)))], (v) => v);
  },
});
op('narrow / select', {
  arb: shapeArb(1, 3, 3, 18).chain((s) => fc.tuple(inputArb(s, 'any'), dimArb(s.length)).chain(([inp, dim]) => {
    const size = s[normDim(dim, s.length)];
    return fc.tuple(fc.integer({ min: -size, max: size - 1 }), fc.integer({ min: 0, max: size }), fc.integer({ min: -size, max: size - 1 })).map(([start, len, index]) => {
      const st = start < 0 ? start + size : start;
      return { inputs: [inp], params: { dim, start, length: Math.min(len, size - st), index } };
    });
  })),
  run: ([x], p) => [x.narrow(p.dim, p.start, p.length), x.select(p.dim, p.index)],
  ref: ([r], p) => {
    const nd = r.shape.length, d = normDim(p.dim, nd), size = r.shape[d];
    const st = p.start < 0 ? p.start + size : p.start, ix = p.index < 0 ? p.index + size : p.index;
    const slice = (from: number, len: number, drop: boolean): Ref => {
      const shape = r.shape.map((s, i) => (i === d ? len : s));
      const data = Array.from({ length: numel(shape) }, (_, i) => {
        const idx = unravel(i, shape);
        idx[d] += from;
        return r.data[ravel(idx, r.shape)];
      });
      return ref(drop ? shape.filter((_, i) => i !== d) : shape, data);
    };
    return [slice(st, p.length, false), slice(ix, 1, true)];
  },
});
op('split / chunk', {
  arb: shapeArb(1, 3, 3, 18).chain((s) => fc.tuple(inputArb(s, 'any'), dimArb(s.length), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })))
    .map(([inp, dim, size, chunks]) => ({ inputs: [inp], params: { dim, size, chunks } })),
  run: ([x], p) => [...x.split(p.size, p.dim), ...x.chunk(p.chunks, p.dim)],
  ref: ([r], p) => {
    const d = normDim(p.dim, r.shape.length), n = r.shape[d];
    const parts = (step: number) => {
      const out: Ref[] = [];
      for (let s = 0; s < n; s += step) {
        const len = Math.min(step, n - s);
        const shape = r.shape.map((v, i) => (i === d ? len : v));
        out.push(ref(shape, Array.from({ length: numel(shape) }, (_, i) => {
          const idx = unravel(i, shape);
          idx[d] += s;
          return r.data[ravel(idx, r.shape)];
        })));
      }
      return out;
    };
    return [...parts(p.size), ...parts(Math.ceil(n / p.chunks))];
  },
});
op('cat', {
  arb: shapeArb(1, 3, 3, 9).chain((s) => fc.tuple(dimArb(s.length), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 })).chain(([dim, sizes]) => {
    const d = normDim(dim, s.length);
    return fc.tuple(...sizes.map((k) => inputArb(s.map((v, i) => (i === d ? k : v)), 'any'))).map((inputs) => ({ inputs, params: dim }));
  })),
  run: (xs, dim) => cat(xs, dim),
  ref: (rs, dim) => {
    const d = normDim(dim, rs[0].shape.length);
    const shape = rs[0].shape.map((v, i) => (i === d ? sumOf(rs.map((r) => r.shape[d])) : v));
    const out = new Float64Array(numel(shape));
    for (let i = 0; i < out.length; i++) {
      const idx = unravel(i, shape);
      let k = 0;
      while (idx[d] >= rs[k].shape[d]) idx[d] -= rs[k++].shape[d];
      out[i] = rs[k].data[ravel(idx, rs[k].shape)];
    }
    return ref(shape, out);
  },
});
op('stack', {
  arb: shapeArb(0, 2, 3, 9).chain((s) => fc.tuple(fc.integer({ min: -s.length - 1, max: s.length }), fc.integer({ min: 1, max: 3 })).chain(([dim, n]) =>
    fc.tuple(...Array.from({ length: n }, () => inputArb(s, 'any'))).map((inputs) => ({ inputs, params: dim })))),
  run: (xs, dim) => stack(xs, dim),
  ref: (rs, dim) => {
    const nd = rs[0].shape.length, d = dim < 0 ? dim + nd + 1 : dim;
    const shape = [...rs[0].shape.slice(0, d), rs.length, ...rs[0].shape.slice(d)];
    return ref(shape, Array.from({ length: numel(shape) }, (_, i) => {
      const idx = unravel(i, shape);
      const [k] = idx.splice(d, 1);
      return rs[k].data[ravel(idx, rs[k].shape)];
    }));
  },
});

// ---- indexing ---------------------------------------------------------------------------------

const int32 = (values: number[], shape: number[]) => tensor(Int32Array.from(values), { shape });
op('gather', {
  arb: shapeArb(1, 3, 3, 12).chain((s) => fc.tuple(inputArb(s, 'any'), dimArb(s.length)).chain(([inp, dim]) => {
    const d = normDim(dim, s.length);
    return fc.tuple(...s.map((v, i) => fc.integer({ min: 1, max: i === d ? 3 : v }))).chain((is) =>
      fc.array(fc.nat({ max: s[d] - 1 }), { minLength: numel(is), maxLength: numel(is) }).map((iv) => ({ inputs: [inp], params: { dim, shape: is, values: iv } })));
  })),
  run: ([x], p) => gather(x, p.dim, int32(p.values, p.shape)),
  ref: ([r], p) => {
    const d = normDim(p.dim, r.shape.length);
    return ref(p.shape, p.values.map((v: number, i: number) => {
      const idx = unravel(i, p.shape);
      idx[d] = v;
      return r.data[ravel(idx, r.shape)];
    }));
  },
});
op('scatterAdd', {
  arb: shapeArb(1, 3, 3, 12).chain((s) => fc.tuple(dimArb(s.length)).chain(([dim]) => {
    const d = normDim(dim, s.length);
    return fc.tuple(...s.map((v, i) => fc.integer({ min: 1, max: i === d ? 3 : v }))).chain((is) =>
      fc.tuple(inputArb(s, 'any'), inputArb(is, 'any'), fc.array(fc.nat({ max: s[d] - 1 }), { minLength: numel(is), maxLength: numel(is) }))
        .map(([base, src, iv]) => ({ inputs: [base, src], params: { dim, shape: is, values: iv } })));
  })),
  run: ([base, src], p) => scatterAdd(base, p.dim, int32(p.values, p.shape), src),
  ref: ([base, src], p) => {
    const d = normDim(p.dim, base.shape.length);
    const out = Float64Array.from(base.data);
    p.values.forEach((v: number, i: number) => {
      const idx = unravel(i, p.shape);
      const s = src.data[ravel(idx, src.shape)];
      idx[d] = v;
      out[ravel(idx, base.shape)] += s;
    });
    return ref(base.shape, out);
  },
});
op('indexSelect / indexAdd', {
  arb: shapeArb(1, 3, 3, 12).chain((s) => fc.tuple(dimArb(s.length), fc.integer({ min: 1, max: 3 })).chain(([dim, n]) => {
    const d = normDim(dim, s.length);
    const srcShape = s.map((v, i) => (i === d ? n : v));
    return fc.tuple(inputArb(s, 'any'), inputArb(srcShape, 'any'), fc.array(fc.nat({ max: s[d] - 1 }), { minLength: n, maxLength: n }))
      .map(([x, src, iv]) => ({ inputs: [x, src], params: { dim, values: iv } }));
  })),
  run: ([x, src], p) => [x.indexSelect(p.dim, int32(p.values, [p.values.length])), indexAdd(x, p.dim, int32(p.values, [p.values.length]), src)],
  ref: ([x, src], p) => {
    const d = normDim(p.dim, x.shape.length);
    const selShape = x.shape.map((v, i) => (i === d ? p.values.length : v));
    const sel = Array.from({ length: numel(selShape) }, (_, i) => {
      const idx = unravel(i, selShape);
      idx[d] = p.values[idx[d]];
      return x.data[ravel(idx, x.shape)];
    });
    const added = Float64Array.from(x.data);
    for (let i = 0; i < src.data.length; i++) {
      const idx = unravel(i, src.shape);
      idx[d] = p.values[idx[d]];
      added[ravel(idx, x.shape)] += src.data[i];
    }
    return [ref(selShape, sel), ref(x.shape, added)];
  },
});

// ---- matrix products --------------------------------------------------------------------------

function matmulRef(a: Ref, b: Ref): Ref {
  const av = a.shape.length === 1, bv = b.shape.length === 1;
  const A = av ? ref([1, a.shape[0]], a.data) : a;
  const B = bv ? ref([b.shape[0], 1], b.data) : b;
  const [m, k] = A.shape.slice(-2), n = B.shape[B.shape.length - 1];
  const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2))!;
  const full = [...batch, m, n];
  const out = new Float64Array(numel(full));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, full);
    const bi = idx.slice(0, -2), r = idx[idx.length - 2], c = idx[idx.length - 1];
    let s = 0;
    for (let j = 0; j < k; j++) s += atB(A, [...bi, r, j]) * atB(B, [...bi, j, c]);
    out[i] = s;
  }
  const shape = [...batch, ...(av ? [] : [m]), ...(bv ? [] : [n])];
  return ref(shape, out);
}
function atB(r: Ref, idx: number[]): number {
  const lead = idx.length - r.shape.length;
  let f = 0;
  for (let d = 0; d < r.shape.length; d++) f = f * r.shape[d] + (r.shape[d] === 1 && d < r.shape.length - 2 ? 0 : idx[lead + d]);
  return r.data[f];
}
const dimSize = fc.integer({ min: 1, max: 3 });
op('matmul', {
  arb: fc.tuple(dimSize, dimSize, dimSize, fc.constantFrom('dot', 'mv', 'vm', 'mm', 'batched'), broadcastPairArb(2, 4)).chain(([m, k, n, kind, [ba, bb]]) => {
    const [sa, sb] = {
      dot: [[k], [k]], mv: [[m, k], [k]], vm: [[k], [k, n]], mm: [[m, k], [k, n]], batched: [[...ba, m, k], [...bb, k, n]],
    }[kind];
    return fc.tuple(inputArb(sa, 'any'), inputArb(sb, 'any')).map((inputs) => ({ inputs, params: null }));
  }),
  run: ([a, b]) => a.matmul(b),
  ref: ([a, b]) => matmulRef(a, b),
  runs: 24,
});
op('linear', {
  arb: fc.tuple(dimSize, dimSize, shapeArb(0, 2, 3, 6), fc.boolean()).chain(([inF, outF, batch, bias]) =>
    fc.tuple(inputArb([...batch, inF], 'any'), inputArb([outF, inF], 'any'), ...(bias ? [inputArb([outF], 'any')] : [])).map((inputs) => ({ inputs, params: null })),
  ),
  run: ([x, w, b]) => linear(x, w, b),
  ref: ([x, w, b]) => {
    const y = matmulRef(x.shape.length === 1 ? x : x, permuteRef(w, [1, 0]));
    return b === undefined ? y : mapN([y, b], (u, v) => u + v);
  },
});

// linear followed by relu (one fused kernel when nothing records): only cases whose
// pre-activations stay 1e-3 away from relu's kink, where finite differences are meaningful
op('linearRelu', {
  arb: fc.tuple(dimSize, dimSize, shapeArb(1, 2, 3, 6)).chain(([inF, outF, batch]) =>
    fc.tuple(inputArb([...batch, inF], 'any'), inputArb([outF, inF], 'any'), inputArb([outF], 'offgrid')).map((inputs) => ({ inputs, params: null })),
  ).filter((c) => {
    const [x, w, b] = c.inputs.map((inp) => refOf(inp));
    return mapN([matmulRef(x, permuteRef(w, [1, 0])), b], (u, v) => u + v).data.every((z) => Math.abs(z) > 1e-3);
  }),
  run: ([x, w, b]) => linearRelu(x, w, b),
  ref: ([x, w, b]) => mapN([matmulRef(x, permuteRef(w, [1, 0])), b], (u, v) => Math.max(u + v, 0)),
});

// ---- in place ---------------------------------------------------------------------------------

// Recorded in-place ops run on a clone (a non-leaf), so their gradients flow; the operand may be
// any layout. The in-place ops on non-contiguous targets under noGrad are in property-shapes.
function inPlace(name: string, db: Domain, run: (y: Tensor, b: Tensor, p: any) => void, f: (a: number, b: number, p: any) => number, params: fc.Arbitrary<any> = fc.constant(null)): void {
  op(name, {
    arb: fc.tuple(broadcastPairArb(3, 18).filter(([a, b]) => broadcastShape(a, b)!.join() === a.join()).chain(([a, b]) => fc.tuple(inputArb(a, 'any'), inputArb(b, db))), params)
      .map(([inputs, p]) => ({ inputs, params: p })),
    run: ([a, b], p) => {
      const y = a.clone();
      run(y, b, p);
      return y;
    },
    ref: ([a, b], p) => mapN([a, b], (x, y) => f(x, y, p)),
  });
}
inPlace('add_', 'any', (y, b, alpha) => y.add_(b, alpha), (x, v, alpha) => x + alpha * v, alphas);
inPlace('sub_', 'any', (y, b, alpha) => y.sub_(b, alpha), (x, v, alpha) => x - alpha * v, alphas);
inPlace('mul_', 'any', (y, b) => y.mul_(b), (x, v) => x * v);
inPlace('div_', 'nonzero', (y, b) => y.div_(b), (x, v) => x / v);
inPlace('copy_', 'any', (y, b) => y.copy_(b), (_x, v) => v);
op('fill_ / zero_ / clamp_', {
  arb: fc.tuple(shape03.chain((s) => inputArb(s, 'any')), fc.constantFrom('fill', 'zero', 'clamp')).map(([inp, which]) => ({ inputs: [inp], params: which })),
  run: ([x], which) => {
    const y = x.clone();
    if (which === 'fill') y.fill_(0.75);
    else if (which === 'zero') y.zero_();
    else y.clamp_(-0.5 + 1 / 1024, 0.5 + 1 / 1024);
    return y.mul(x); // keeps a dependence on x, so the check says something about the rebased history
  },
  ref: ([r], which) => mapN([r], (v) => (which === 'fill' ? 0.75 : which === 'zero' ? 0 : Math.min(Math.max(v, -0.5 + 1 / 1024), 0.5 + 1 / 1024)) * v),
});

// ---- the tests --------------------------------------------------------------------------------

describe('every op under random shapes, dims and layouts: forward = float64 reference, gradcheck, gradgradcheck', () => {
  for (const [name, spec] of Object.entries(specs)) {
    it(name, () => check(name, spec.arb, (c) => runCase(name, spec, c), spec.runs ?? RUNS));
  }
});

describe('the reference itself', () => {
  // a guard against a reference bug hiding an op bug: spot values computed by hand
  it('matmul, softmax and broadcasting agree with hand-computed values', () => {
    const a = ref([2, 2], [1, 2, 3, 4]), b = ref([2], [5, 6]);
    if (matmulRef(a, b).data.join() !== '17,39') throw new Error('matmulRef');
    if (mapN([a, b], (x, y) => x + y).data.join() !== '6,8,8,10') throw new Error('mapN broadcast');
    const s = softmaxRef(ref([2], [0, Math.log(3)]), 0, false).data;
    if (Math.abs(s[0] - 0.25) > 1e-15 || Math.abs(s[1] - 0.75) > 1e-15) throw new Error('softmaxRef');
    if (valuesOf(tensor([[1, 2], [3, 4]]).t()).join() !== '1,3,2,4') throw new Error('valuesOf');
  });
});
