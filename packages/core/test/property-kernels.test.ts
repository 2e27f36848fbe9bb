// Property tests at kernel scale. The WebAssembly backend only takes inputs above a size
// threshold (512 elements for transcendental ops, 2,048 for arithmetic, 4,096 multiply-adds for
// matmul, 8,192 for reductions; smaller ones run on the JavaScript kernels), so the small cases of
// property-ops never reach it. Here shapes have 600–12,000 elements, in every layout:
//   - forward equals the naive float64 reference (float32 and float64);
//   - on a backend other than 'js', the gradients equal those computed on the 'js' backend.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { getBackend, linear, linearRelu, noGrad, setBackend, tensor, where, type DType, type Tensor } from '@torchlet/core';
import {
  announceSeed, broadcastShape, check, type Domain, expectRef, inputArb, type Input, leafOf, mapN, normDim, numel, permuteRef, type Ref, ref,
  reduceRef, refOf, reportCounts, unravel, ravel, valuesOf,
} from './helpers/property.js';

const FILE = 'property-kernels';
beforeAll(() => announceSeed(FILE));
afterAll(() => reportCounts(FILE));
// generous: CI runs these next to other packages' tests on two cores
vi.setConfig({ testTimeout: 120_000 });

const RUNS = 10;

/** A shape of 1–3 dims with `lo..hi` elements. */
function bigShape(lo: number, hi: number, minDims = 1): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: minDims, max: 3 }), fc.array(fc.integer({ min: 2, max: 64 }), { minLength: 3, maxLength: 3 }))
    .map(([nd, sizes]) => sizes.slice(0, nd))
    .map((s) => {
      // grow or shrink the last dim into range
      const rest = numel(s.slice(0, -1));
      const last = Math.max(1, Math.min(Math.ceil(lo / rest) + (s[s.length - 1] % 7), Math.floor(hi / rest)));
      return [...s.slice(0, -1), last];
    })
    .filter((s) => numel(s) >= lo && numel(s) <= hi);
}

/** Gradients of sum(out·w) for fixed weights w, with respect to the leaves, on backend `name`. */
function gradsOn(name: string, inputs: Input[], run: (xs: Tensor[]) => Tensor): number[][] {
  const prev = getBackend();
  setBackend(name);
  try {
    const leaves = inputs.map((inp) => leafOf(inp, 'float32'));
    const out = run(leaves.map((l, i) => inputs[i].view(l)));
    const w = tensor(Float32Array.from({ length: out.numel() }, (_, i) => ((i % 13) - 6) / 8), { shape: out.shape.slice() });
    out.mul(w).sum().backward();
    return leaves.map((l) => (l.grad === null ? [] : valuesOf(l.grad)));
  } finally {
    setBackend(prev);
  }
}

function expectSameGrads(a: number[][], b: number[][], label: string): void {
  a.forEach((g, i) => {
    g.forEach((v, j) => {
      const e = b[i][j];
      if (!(Math.abs(v - e) <= 1e-4 + 1e-4 * Math.abs(e))) throw new Error(`${label}: gradient ${i}[${j}] is ${v} on ${getBackend()}, ${e} on js`);
    });
  });
}

interface BigSpec<P> {
  arb: fc.Arbitrary<{ inputs: Input[]; params: P }>;
  run: (xs: Tensor[], p: P) => Tensor;
  ref: (rs: Ref[], p: P) => Ref;
  grad?: boolean;
  tol?: { rtol: number; atol: number };
}
const specs: Record<string, BigSpec<any>> = {};

function runBig<P>(name: string, spec: BigSpec<P>, c: { inputs: Input[]; params: P }): void {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    const xs = c.inputs.map((inp) => inp.view(leafOf(inp, dtype, false)));
    const expected = spec.ref(c.inputs.map((inp) => refOf(inp, dtype)), c.params);
    const tol = dtype === 'float32' ? spec.tol : undefined;
    expectRef(spec.run(xs, c.params), expected, `${name} ${dtype} [${c.inputs.map((x) => `${x.layout} ${x.shape}`)}]`, tol);
  }
  if (spec.grad !== false && getBackend() !== 'js') {
    expectSameGrads(gradsOn(getBackend(), c.inputs, (xs) => spec.run(xs, c.params)), gradsOn('js', c.inputs, (xs) => spec.run(xs, c.params)), name);
  }
}

const unaries: [string, Domain, (x: Tensor) => Tensor, (v: number) => number][] = [
  ['exp', 'any', (x) => x.exp(), Math.exp],
  ['log', 'positive', (x) => x.log(), Math.log],
  ['sqrt', 'positive', (x) => x.sqrt(), Math.sqrt],
  ['tanh', 'any', (x) => x.tanh(), Math.tanh],
  ['sigmoid', 'any', (x) => x.sigmoid(), (v) => 1 / (1 + Math.exp(-v))],
  ['relu', 'nonzero', (x) => x.relu(), (v) => Math.max(0, v)],
  ['abs / neg / sign', 'nonzero', (x) => x.abs().mul(x.sign()).neg(), (v) => -v],
  ['sin / cos', 'any', (x) => x.sin().add(x.cos()), (v) => Math.sin(v) + Math.cos(v)],
  ['expm1 / log1p', 'positive', (x) => x.expm1().add(x.log1p()), (v) => Math.expm1(v) + Math.log1p(v)],
  ['reciprocal / square', 'nonzero', (x) => x.reciprocal().add(x.square()), (v) => 1 / v + v * v],
  ['scalar add, mul, sub, rsub, div, pow', 'positive', (x) => x.add(1.5).mul(0.25).sub(2).div(-4).pow(2), (v) => (((v + 1.5) * 0.25 - 2) / -4) ** 2],
  ['contiguous (copy of a strided view)', 'any', (x) => x.contiguous(), (v) => v],
  ['clamp', 'offgrid', (x) => x.clamp(-0.5, 0.75), (v) => Math.min(Math.max(v, -0.5), 0.75)],
];
for (const [name, domain, run, f] of unaries) {
  specs[name] = {
    arb: bigShape(600, 12000).chain((s) => inputArb(s, domain)).map((inp) => ({ inputs: [inp], params: null })),
    run: ([x]) => run(x),
    ref: ([r]) => mapN([r], f),
  };
}

/** Two shapes that broadcast, the larger with 2,048–12,000 elements. */
const bigPair = bigShape(2048, 12000).chain((s) =>
  fc.tuple(fc.nat({ max: s.length }), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.boolean()).map(([drop, ones, swap]) => {
    const b = s.slice(drop).map((v, i) => (ones[i] ? 1 : v));
    return (swap ? [b, s] : [s, b]) as [number[], number[]];
  }),
);
const binaries: [string, Domain, Domain, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
  ['add', 'any', 'any', (a, b) => a.add(b), (x, y) => x + y],
  ['sub with alpha (axpy)', 'any', 'any', (a, b) => a.sub(b, 0.75), (x, y) => x - 0.75 * y],
  ['mul', 'any', 'any', (a, b) => a.mul(b), (x, y) => x * y],
  ['div', 'any', 'nonzero', (a, b) => a.div(b), (x, y) => x / y],
  ['maximum / minimum', 'any', 'offgrid', (a, b) => a.maximum(b).add(a.minimum(b).mul(2)), (x, y) => Math.max(x, y) + 2 * Math.min(x, y)],
  ['comparisons', 'coarse', 'coarse', (a, b) => a.lt(b).float().add(a.eq(b).float().mul(2)).add(a.ge(b).float().mul(4)), (x, y) => Number(x < y) + 2 * Number(x === y) + 4 * Number(x >= y)],
  ['where', 'any', 'any', (a, b) => where(a.gt(b), a, b.mul(-1)), (x, y) => (x > y ? x : -y)],
];
for (const [name, da, db, run, f] of binaries) {
  specs[name] = {
    arb: bigPair.chain(([a, b]) => fc.tuple(inputArb(a, da), inputArb(b, db))).map((inputs) => ({ inputs, params: null })),
    run: ([a, b]) => run(a, b),
    ref: ([a, b]) => mapN([a, b], f),
    grad: name !== 'comparisons',
  };
}

// reductions over random dims of tensors of 8,192+ elements; float32 sums accumulate in float64
const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);
const reductions: [string, Domain, (x: Tensor, d: number[], k: boolean) => Tensor, (v: number[]) => number][] = [
  ['sum', 'any', (x, d, k) => x.sum(d, k), sumOf],
  ['mean', 'any', (x, d, k) => x.mean(d, k), (v) => sumOf(v) / v.length],
  ['amax', 'distinct', (x, d, k) => x.amax(d, k), (v) => Math.max(...v)],
  ['amin', 'distinct', (x, d, k) => x.amin(d, k), (v) => Math.min(...v)],
];
for (const [name, domain, run, fold] of reductions) {
  specs[`${name} over dims`] = {
    arb: bigShape(8192, 14000, 2).chain((s) =>
      fc.tuple(inputArb(s, domain), fc.uniqueArray(fc.nat({ max: s.length - 1 }), { minLength: 1, maxLength: s.length }), fc.boolean(), fc.boolean())
        .map(([inp, dims, keepdim, neg]) => ({ inputs: [inp], params: { dims: dims.map((d) => (neg ? d - s.length : d)), keepdim } })),
    ),
    run: ([x], p) => run(x, p.dims, p.keepdim),
    ref: ([r], p) => reduceRef(r, p.dims.map((d: number) => normDim(d, r.shape.length)).sort(), p.keepdim, fold),
  };
}

function softmaxRef(r: Ref, dim: number, log: boolean): Ref {
  const out = new Float64Array(r.data.length);
  const size = r.shape[dim];
  const stride = numel(r.shape.slice(dim + 1));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, r.shape);
    const base = i - idx[dim] * stride;
    let m = -Infinity;
    for (let k = 0; k < size; k++) m = Math.max(m, r.data[base + k * stride]);
    let z = 0;
    for (let k = 0; k < size; k++) z += Math.exp(r.data[base + k * stride] - m);
    out[i] = log ? r.data[i] - m - Math.log(z) : Math.exp(r.data[i] - m) / z;
  }
  return { shape: r.shape.slice(), data: out };
}
specs['softmax / logSoftmax'] = {
  arb: bigShape(1024, 12000).chain((s) => fc.tuple(inputArb(s, 'any'), fc.integer({ min: -s.length, max: s.length - 1 }), fc.boolean()))
    .map(([inp, dim, log]) => ({ inputs: [inp], params: { dim, log } })),
  run: ([x], p) => (p.log ? x.logSoftmax(p.dim) : x.softmax(p.dim)),
  ref: ([r], p) => softmaxRef(r, normDim(p.dim, r.shape.length), p.log),
};

function matmulRef(a: Ref, b: Ref): Ref {
  const [m, k] = a.shape.slice(-2), n = b.shape[b.shape.length - 1];
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))!;
  const shape = [...batch, m, n];
  const out = new Float64Array(numel(shape));
  const at = (r: Ref, bi: number[], i: number, j: number) => {
    const lead = bi.length - (r.shape.length - 2);
    const idx = [...bi.slice(lead).map((v, d) => (r.shape[d] === 1 ? 0 : v)), i, j];
    return r.data[ravel(idx, r.shape)];
  };
  for (let o = 0; o < out.length; o++) {
    const idx = unravel(o, shape);
    const bi = idx.slice(0, -2), i = idx[idx.length - 2], j = idx[idx.length - 1];
    let s = 0;
    for (let t = 0; t < k; t++) s += at(a, bi, i, t) * at(b, bi, t, j);
    out[o] = s;
  }
  return ref(shape, out);
}
// float32 products of k terms: the kernels' summation order differs from the reference's
const MATMUL_TOL = { rtol: 1e-5, atol: 1e-4 };
specs['matmul (batched, broadcast, transposed operands)'] = {
  arb: fc.tuple(fc.integer({ min: 4, max: 40 }), fc.integer({ min: 4, max: 40 }), fc.integer({ min: 4, max: 40 }), fc.constantFrom([], [2], [3, 1]), fc.constantFrom([], [2], [1, 2]))
    .filter(([m, k, n, ba, bb]) => m * k * n >= 4096 && broadcastShape(ba, bb) !== null)
    .chain(([m, k, n, ba, bb]) => fc.tuple(inputArb([...ba, m, k], 'any', ['contiguous', 'transposed', 'sliced']), inputArb([...bb, k, n], 'any', ['contiguous', 'transposed', 'expanded', 'sliced'])))
    .map((inputs) => ({ inputs, params: null })),
  run: ([a, b]) => a.matmul(b),
  ref: ([a, b]) => matmulRef(a, b),
  tol: MATMUL_TOL,
};
specs['linear (fused addmm)'] = {
  arb: fc.tuple(fc.integer({ min: 8, max: 48 }), fc.integer({ min: 8, max: 48 }), fc.integer({ min: 8, max: 48 }))
    .chain(([m, inF, outF]) => fc.tuple(inputArb([m, inF], 'any'), inputArb([outF, inF], 'any', ['contiguous', 'transposed', 'sliced']), inputArb([outF], 'any')))
    .map((inputs) => ({ inputs, params: null })),
  run: ([x, w, b]) => linear(x, w, b),
  ref: ([x, w, b]) => mapN([matmulRef(x, permuteRef(w, [1, 0])), b], (u, v) => u + v),
  tol: MATMUL_TOL,
};

specs['linearRelu (fused linear + relu)'] = {
  ...specs['linear (fused addmm)'],
  run: ([x, w, b]) => linearRelu(x, w, b),
  ref: ([x, w, b]) => mapN([matmulRef(x, permuteRef(w, [1, 0])), b], (u, v) => Math.max(u + v, 0)),
};

describe('kernel-sized inputs: forward = float64 reference; gradients = the js backend\'s', () => {
  for (const [name, spec] of Object.entries(specs)) {
    it(name, () => check(`big ${name}`, spec.arb, (c) => runBig(name, spec, c), RUNS));
  }

  it('in-place add_ (axpy), mul_, copy_ into non-contiguous targets under noGrad write exactly the view', () => {
    check('big in-place', fc.tuple(bigShape(2048, 9000, 2).chain((s) => fc.tuple(inputArb(s, 'any', ['transposed', 'sliced', 'selected']), inputArb(s, 'any'))), fc.constantFrom('add_', 'mul_', 'copy_')), ([[target, other], op]) => {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        const leaf = leafOf(target, dtype, false);
        const before = valuesOf(leaf);
        const view = target.view(leaf);
        const o = other.view(leafOf(other, dtype, false));
        const version = leaf.version;
        noGrad(() => (op === 'add_' ? view.add_(o, -1.5) : op === 'mul_' ? view.mul_(o) : view.copy_(o)));
        const a = refOf(target, dtype), b = refOf(other, dtype);
        expectRef(view, mapN([a, b], (x, y) => (op === 'add_' ? x - 1.5 * y : op === 'mul_' ? x * y : y)), `${op} ${dtype} into ${target.layout}`);
        if (leaf.version !== version + 1) throw new Error(`${op}: version ${leaf.version}, expected ${version + 1}`);
        // the rest of the leaf (padding of sliced/selected layouts) is untouched
        const after = valuesOf(leaf);
        const written = new Set<number>();
        const probe = target.view(tensor(Float64Array.from(before, (_, i) => i), { shape: target.leafShape }));
        for (const v of valuesOf(probe)) written.add(v);
        before.forEach((v, i) => {
          if (!written.has(i) && after[i] !== v) throw new Error(`${op} changed element ${i} outside the view`);
        });
      }
    }, RUNS);
  });
});
