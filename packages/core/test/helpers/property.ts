// Shared pieces of the property tests: fast-check seeded for reproducible CI runs, a float64
// reference array with naive loops (the oracle; nothing here calls torchlet's ops), and
// arbitraries for shapes, broadcasting pairs, dims and non-contiguous tensor inputs.
//
// Reproducing a failure: every run uses the seed printed at the top of the file's output
// (TORCHLET_FC_SEED, default below); fast-check's failure message adds the counterexample path.
// `TORCHLET_FC_SEED=123 TORCHLET_FC_RUNS=500 npx vitest run test/property-ops.test.ts` explores more.
import fc from 'fast-check';
import { type DType, type Tensor, tensor } from '@torchlet/core';

/** The fixed seed of CI runs; override with TORCHLET_FC_SEED. */
export const FC_SEED = Number(process.env.TORCHLET_FC_SEED ?? 20_250_611);
/** Multiplies every property's numRuns (TORCHLET_FC_RUNS=N sets a factor N/100). */
const RUN_SCALE = process.env.TORCHLET_FC_RUNS === undefined ? 1 : Number(process.env.TORCHLET_FC_RUNS) / 100;

fc.configureGlobal({ seed: FC_SEED, endOnFailure: true });

const counts = new Map<string, number>();
let printed = false;

/** Prints the seed once per test file, so a CI log says how to reproduce a run. */
export function announceSeed(file: string): void {
  if (printed) return;
  printed = true;
  console.log(`[fast-check] ${file}: seed ${FC_SEED} (set TORCHLET_FC_SEED to change it, TORCHLET_FC_RUNS to scale the runs)`);
}

/** numRuns for a property, scaled by TORCHLET_FC_RUNS. */
export function runs(n: number): number {
  return Math.max(1, Math.round(n * RUN_SCALE));
}

/** Runs a property with the fixed seed and counts its generated cases (reported by `reportCounts`). */
export function check<Ts>(name: string, arb: fc.Arbitrary<Ts>, predicate: (v: Ts) => void, numRuns: number): void {
  let n = 0;
  fc.assert(
    fc.property(arb, (v) => {
      n++;
      predicate(v);
    }),
    { numRuns: runs(numRuns), seed: FC_SEED },
  );
  counts.set(name, (counts.get(name) ?? 0) + n);
}

/** Logs how many cases each property generated in this file (the closing note's numbers). */
export function reportCounts(file: string): void {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`[fast-check] ${file}: ${total} generated cases over ${counts.size} properties`);
}

// ---- the float64 reference -----------------------------------------------------------------

/** A row-major float64 array with a shape: the oracle the property tests compare against. */
export interface Ref {
  shape: number[];
  data: Float64Array;
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Row-major strides of a shape. */
export function rowMajor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

/** Flat position of a multi-index. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
  return f;
}

export function ref(shape: readonly number[], data: ArrayLike<number>): Ref {
  return { shape: shape.slice(), data: Float64Array.from(data) };
}

/** NumPy/PyTorch broadcasting of two shapes, or null when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The element of `r` read as if broadcast to `shape` at multi-index `idx`. */
export function at(r: Ref, idx: readonly number[]): number {
  const lead = idx.length - r.shape.length;
  let f = 0;
  for (let d = 0; d < r.shape.length; d++) f = f * r.shape[d] + (r.shape[d] === 1 ? 0 : idx[lead + d]);
  return r.data[f];
}

/** `r` broadcast to `shape`, materialised. */
export function broadcastTo(r: Ref, shape: readonly number[]): Ref {
  const out = new Float64Array(numel(shape));
  for (let i = 0; i < out.length; i++) out[i] = at(r, unravel(i, shape));
  return { shape: shape.slice(), data: out };
}

/** Elementwise map of any number of broadcast operands. */
export function mapN(inputs: readonly Ref[], f: (...v: number[]) => number): Ref {
  let shape: number[] = [];
  for (const r of inputs) shape = broadcastShape(shape, r.shape)!;
  const out = new Float64Array(numel(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    out[i] = f(...inputs.map((r) => at(r, idx)));
  }
  return { shape, data: out };
}

/** Reduction of `r` over `dims` (sorted, non-negative) with a fold over each group's values. */
export function reduceRef(r: Ref, dims: readonly number[], keepdim: boolean, fold: (vals: number[]) => number): Ref {
  const kept = r.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const groups: number[][] = Array.from({ length: numel(kept) }, () => []);
  for (let i = 0; i < r.data.length; i++) {
    const idx = unravel(i, r.shape).map((v, d) => (dims.includes(d) ? 0 : v));
    groups[ravel(idx, kept)].push(r.data[i]);
  }
  const shape = keepdim ? kept : r.shape.filter((_, i) => !dims.includes(i));
  return { shape, data: Float64Array.from(groups.map(fold)) };
}

/** Permutes the dims of `r`: out.shape[i] = r.shape[perm[i]]. */
export function permuteRef(r: Ref, perm: readonly number[]): Ref {
  const shape = perm.map((p) => r.shape[p]);
  const out = new Float64Array(r.data.length);
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    const src = new Array<number>(r.shape.length);
    perm.forEach((p, k) => (src[p] = idx[k]));
    out[i] = r.data[ravel(src, r.shape)];
  }
  return { shape, data: out };
}

/** The values of `t` (any layout) as a flat row-major array, read through `tolist()`. */
export function valuesOf(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) for (const y of x) walk(y);
    else out.push(typeof x === 'boolean' ? Number(x) : (x as number));
  };
  walk(t.tolist());
  return out;
}

/** Tolerances of the forward comparison: float32 kernels round each result once (a few ulp). */
export function tolerance(dtype: DType): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : dtype === 'float32' ? { rtol: 2e-5, atol: 2e-6 } : { rtol: 0, atol: 0 };
}

/** Throws with the first mismatches unless `t` has `expected`'s shape and values (NaN meets NaN). */
export function expectRef(t: Tensor, expected: Ref, label: string, tol = tolerance(t.dtype)): void {
  const shape = [...t.shape];
  if (shape.length !== expected.shape.length || shape.some((s, i) => s !== expected.shape[i])) {
    throw new Error(`${label}: shape [${shape}] but the reference has [${expected.shape}]`);
  }
  const got = valuesOf(t);
  const bad: string[] = [];
  for (let i = 0; i < got.length; i++) {
    const a = got[i], e = expected.data[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) bad.push(`[${unravel(i, expected.shape)}] got ${a}, expected ${e}`);
  }
  if (bad.length > 0) throw new Error(`${label}: ${bad.length} of ${got.length} values differ: ${bad.slice(0, 5).join('; ')}`);
}

/** Rounds values to float32 when the tensor is float32, so the reference sees what the op sees. */
export function asStored(values: ArrayLike<number>, dtype: DType): Float64Array {
  const out = Float64Array.from(values);
  if (dtype === 'float32') for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i]);
  return out;
}

// ---- arbitraries -----------------------------------------------------------------------------

/** A shape of `minDims..maxDims` dims with sizes `1..maxSize` and at most `maxNumel` elements. */
export function shapeArb(minDims: number, maxDims: number, maxSize = 3, maxNumel = 24): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxSize }), { minLength: minDims, maxLength: maxDims }).filter((s) => numel(s) <= maxNumel);
}

/** Two shapes that broadcast: `b` is a suffix of `a` or `a` a suffix of `b`, with some sizes set to 1. */
export function broadcastPairArb(maxDims = 3, maxNumel = 24): fc.Arbitrary<[number[], number[]]> {
  return fc
    .tuple(shapeArb(0, maxDims, 3, maxNumel), fc.nat({ max: maxDims }), fc.array(fc.boolean(), { minLength: maxDims, maxLength: maxDims }), fc.boolean())
    .map(([full, drop, ones, swap]): [number[], number[]] => {
      const part = full.slice(Math.min(drop, full.length)).map((s, i) => (ones[i] ? 1 : s));
      const leftOnes = full.map((s, i) => (ones[(i + 1) % maxDims] && !ones[i] ? 1 : s));
      const pair: [number[], number[]] = [leftOnes, part];
      return swap ? [pair[1], pair[0]] : pair;
    })
    .filter(([a, b]) => broadcastShape(a, b) !== null);
}

/** How a test input is laid out in memory. */
export type Layout = 'contiguous' | 'transposed' | 'expanded' | 'sliced' | 'selected';

/** Value domains, chosen per op so finite differences stay away from kinks and poles. */
export type Domain = 'any' | 'nonzero' | 'positive' | 'distinct' | 'distinctAbs' | 'unit' | 'offgrid' | 'coarse';

/**
 * A test input: its logical values (row-major, the reference's view) and how to build a tensor of
 * that layout from a float leaf. `leafValues`/`leafShape` make the leaf; `view(leaf)` gives the
 * input of the op, so gradcheck differentiates through the view with respect to the leaf.
 */
export interface Input {
  shape: number[];
  layout: Layout;
  leafShape: number[];
  leafValues: number[];
  view: (leaf: Tensor) => Tensor;
  /** Logical values of the view for leaf values `v` (computed naively). */
  logical: (v: ArrayLike<number>) => Float64Array;
}

function valueArb(domain: Domain): fc.Arbitrary<number> {
  // grid values keep every pair at least 1/512 apart and away from 0: finite differences with
  // eps 1e-6 never cross a kink, a tie or a pole
  const k = fc.integer({ min: 1, max: 1024 });
  switch (domain) {
    case 'any':
      return fc.integer({ min: -1024, max: 1024 }).map((i) => i / 512);
    case 'nonzero':
      return fc.tuple(k, fc.boolean()).map(([i, s]) => ((s ? 1 : -1) * (51 + i)) / 512);
    case 'positive':
      return k.map((i) => (154 + i) / 512);
    case 'unit':
      return fc.integer({ min: -400, max: 400 }).map((i) => i / 512);
    case 'distinct':
      return fc.integer({ min: -1024, max: 1024 }).map((i) => i / 512);
    case 'distinctAbs':
      return fc.integer({ min: 1, max: 1024 }).map((i) => (51 + i) / 512);
    case 'offgrid':
      // half a grid step off every value of the other domains: never ties with them
      return fc.integer({ min: -1024, max: 1023 }).map((i) => (i + 0.5) / 512);
    case 'coarse':
      // few distinct values, so comparisons see ties
      return fc.integer({ min: -3, max: 3 }).map((i) => i / 2);
  }
}

/** Values of a domain from a seeded stream: large inputs would make fast-check's own arrays slow. */
function streamValues(n: number, domain: Domain, seed: number): number[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  if (domain === 'distinct' || domain === 'distinctAbs') {
    // a random sample of distinct grid points (exact in float32), shuffled
    const taken = new Set<number>();
    const out: number[] = [];
    while (out.length < n) {
      const v = int(1, 4 * n + 64);
      if (taken.has(v)) continue;
      taken.add(v);
      // distinct magnitudes, so the values are distinct too (also after rounding to float32)
      out.push((next() < 0.5 ? -v : v) / (2 * n));
    }
    return out;
  }
  const one: Record<string, () => number> = {
    any: () => int(-1024, 1024) / 512,
    nonzero: () => ((next() < 0.5 ? -1 : 1) * (51 + int(1, 1024))) / 512,
    positive: () => (154 + int(1, 1024)) / 512,
    unit: () => int(-400, 400) / 512,
    offgrid: () => (int(-1024, 1023) + 0.5) / 512,
    coarse: () => int(-3, 3) / 2,
  };
  return Array.from({ length: n }, one[domain]);
}

/** Above this many elements, values come from a seeded stream instead of fast-check arrays. */
const STREAM_ABOVE = 96;

function valuesArb(n: number, domain: Domain): fc.Arbitrary<number[]> {
  if (n > STREAM_ABOVE) return fc.integer().map((seed) => streamValues(n, domain, seed));
  if (domain === 'distinct') return fc.uniqueArray(valueArb('distinct'), { minLength: n, maxLength: n });
  if (domain === 'distinctAbs') {
    return fc.tuple(fc.uniqueArray(valueArb('distinctAbs'), { minLength: n, maxLength: n }), fc.array(fc.boolean(), { minLength: n, maxLength: n }))
      .map(([v, s]) => v.map((x, i) => (s[i] ? -x : x)));
  }
  return fc.array(valueArb(domain), { minLength: n, maxLength: n });
}

const identity = (v: ArrayLike<number>) => Float64Array.from(v);

/** An input of exactly `shape` in one of the layouts (each applicable to the shape). */
export function inputArb(shape: readonly number[], domain: Domain = 'any', layouts?: readonly Layout[]): fc.Arbitrary<Input> {
  const nd = shape.length;
  const allowed = (layouts ?? ['contiguous', 'transposed', 'expanded', 'sliced', 'selected']).filter(
    (l) => !(l === 'transposed' && nd < 2) && !(l === 'expanded' && !shape.some((s) => s > 1)),
  );
  return fc.constantFrom(...allowed).chain((layout) => {
    switch (layout) {
      case 'contiguous':
        return valuesArb(numel(shape), domain).map((v): Input => ({
          shape: shape.slice(), layout, leafShape: shape.slice(), leafValues: v, view: (l) => l, logical: identity,
        }));
      case 'transposed':
        // the leaf holds the values permuted; permuting back gives a non-contiguous view
        return fc.tuple(fc.shuffledSubarray([...Array(nd).keys()], { minLength: nd, maxLength: nd }), valuesArb(numel(shape), domain))
          .filter(([p]) => p.some((v, i) => v !== i))
          .map(([p, v]): Input => {
            const leafShape = p.map((d) => shape[d]);
            const inverse = new Array<number>(nd);
            p.forEach((d, i) => (inverse[d] = i));
            const logicalOfLeaf = (lv: ArrayLike<number>) => permuteRef(ref(leafShape, lv), inverse).data;
            const leafValues = Array.from(permuteRef(ref(shape, v), p).data);
            return { shape: shape.slice(), layout, leafShape, leafValues, view: (l) => l.permute(inverse), logical: logicalOfLeaf };
          });
      case 'expanded':
        // some non-1 dims (and possibly leading dims) are 1 in the leaf and broadcast by expand
        return fc.tuple(fc.array(fc.boolean(), { minLength: nd, maxLength: nd }), fc.nat({ max: nd }))
          .filter(([mask]) => mask.some((m, i) => m && shape[i] > 1))
          .chain(([mask, lead]) => {
            const kept = shape.map((s, i) => (mask[i] ? 1 : s));
            const drop = kept.slice(0, lead).every((s) => s === 1) ? lead : 0;
            const leafShape = kept.slice(drop);
            return valuesArb(numel(leafShape), domain).map((v): Input => ({
              shape: shape.slice(), layout, leafShape, leafValues: v, view: (l) => l.expand(shape.slice()),
              logical: (lv) => broadcastTo(ref(leafShape, lv), shape).data,
            }));
          });
      case 'sliced':
        // a window of a larger leaf along one dim (an offset and a stride that skips the padding)
        return fc.tuple(fc.nat({ max: Math.max(0, nd - 1) }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 }))
          .chain(([d, before, after]) => {
            const dim = nd === 0 ? -1 : d;
            const leafShape = nd === 0 ? [before + after + 1] : shape.map((s, i) => (i === dim ? s + before + after : s));
            return valuesArb(numel(leafShape), domain).map((v): Input => ({
              shape: shape.slice(), layout, leafShape, leafValues: v,
              view: (l) => (nd === 0 ? l.select(0, before) : l.narrow(dim, before, shape[dim])),
              logical: (lv) => {
                const full = ref(leafShape, lv);
                const out = new Float64Array(numel(shape));
                for (let i = 0; i < out.length; i++) {
                  const idx = nd === 0 ? [before] : unravel(i, shape).map((x, k) => (k === dim ? x + before : x));
                  out[i] = full.data[ravel(idx, leafShape)];
                }
                return out;
              },
            }));
          });
      case 'selected':
        // one index of an extra dim inserted at position k: strides that are not row-major
        return fc.tuple(fc.nat({ max: nd }), fc.integer({ min: 2, max: 3 })).chain(([k, m]) =>
          fc.nat({ max: m - 1 }).chain((i) => {
            const leafShape = [...shape.slice(0, k), m, ...shape.slice(k)];
            return valuesArb(numel(leafShape), domain).map((v): Input => ({
              shape: shape.slice(), layout, leafShape, leafValues: v, view: (l) => l.select(k, i),
              logical: (lv) => {
                const full = ref(leafShape, lv);
                const out = new Float64Array(numel(shape));
                for (let j = 0; j < out.length; j++) {
                  const idx = unravel(j, shape);
                  idx.splice(k, 0, i);
                  out[j] = full.data[ravel(idx, leafShape)];
                }
                return out;
              },
            }));
          }),
        );
    }
  });
}

/** A float leaf for `input` (float64 for gradcheck). */
export function leafOf(input: Input, dtype: DType = 'float64', requiresGrad = true): Tensor {
  return tensor(dtype === 'float64' ? Float64Array.from(input.leafValues) : Float32Array.from(input.leafValues), {
    shape: input.leafShape, requiresGrad,
  });
}

/** The reference of `input` for a leaf of `dtype` (values rounded as stored). */
export function refOf(input: Input, dtype: DType = 'float64'): Ref {
  return ref(input.shape, input.logical(asStored(input.leafValues, dtype)));
}

/** A dim of an `nd`-dim tensor, negative half the time. */
export function dimArb(nd: number): fc.Arbitrary<number> {
  const n = Math.max(nd, 1);
  return fc.integer({ min: -n, max: n - 1 });
}

/** A non-empty set of distinct dims of an `nd`-dim tensor, each possibly negative. */
export function dimsArb(nd: number): fc.Arbitrary<number[]> {
  if (nd === 0) return fc.constant([]);
  return fc
    .uniqueArray(fc.nat({ max: nd - 1 }), { minLength: 1, maxLength: nd })
    .chain((ds) => fc.tuple(...ds.map((d) => fc.constantFrom(d, d - nd))));
}

export const normDim = (d: number, nd: number): number => (d < 0 ? d + Math.max(nd, 1) : d) % Math.max(nd, 1);
