// Shared by the optim tests: the fixture problem rebuilt in torchlet, optimizers built from
// fixture specs, PyTorch state dicts decoded, and a trajectory comparison that records how far
// torchlet is from PyTorch (printed with OPTIM_REPORT=1).
import { readFileSync } from 'node:fs';
import { type DType, type Tensor, tensor } from '@torchlet/core';
import { Adam, AdamW, type Optimizer, type OptimizerStateDict, RMSprop, SGD, type StateValue, lrScheduler } from '@torchlet/optim';

/** Reads a JSON fixture written by scripts/fixtures/optim.py. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** The separable quadratic of the fixtures: grad_i = (p_i - t_i) · c_i. */
export interface Problem {
  shapes: number[][];
  init: number[][];
  target: number[][];
  curv: number[][];
}

/** Float dtypes the fixtures use. */
export type FloatDType = Extract<DType, 'float32' | 'float64'>;

/** Fresh leaf parameters at the problem's initial values, in `dtype`. */
export function makeParams(problem: Problem, dtype: FloatDType, values: number[][] = problem.init): Tensor[] {
  return problem.shapes.map((shape, i) => tensor(arrayOf(dtype, values[i]), { shape, dtype, requiresGrad: true }));
}

/** Sets every parameter's grad to (p - t)·c, computed in the parameter's dtype, except those in `skip`. */
export function setGrads(problem: Problem, params: Tensor[], skip: readonly number[] = []): void {
  params.forEach((p, i) => {
    if (skip.includes(i)) return;
    const t = tensor(arrayOf(p.dtype as FloatDType, problem.target[i]), { shape: problem.shapes[i] });
    const c = tensor(arrayOf(p.dtype as FloatDType, problem.curv[i]), { shape: problem.shapes[i] });
    p.grad = p.detach().sub(t).mul(c);
  });
}

function arrayOf(dtype: FloatDType, values: readonly number[]): Float32Array | Float64Array {
  return dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

/** All parameters' values, flattened and concatenated (the fixtures' layout). */
export function flat(params: readonly Tensor[]): number[] {
  return params.flatMap((p) => (p.reshape(-1).tolist() as number[]));
}

/** A group spec of the fixtures: parameter indices plus options. */
export interface GroupSpec {
  params: number[];
  [option: string]: unknown;
}

const OPTIMIZERS = { SGD, Adam, AdamW, RMSprop } as const;

/** The optimizer named `name` over `params`, or over `groups` of them. */
export function makeOptimizer(name: string, params: Tensor[], options: Record<string, unknown>, groups?: GroupSpec[] | null): Optimizer<any, any> {
  const Cls = OPTIMIZERS[name as keyof typeof OPTIMIZERS] as unknown as new (p: unknown, o: unknown) => Optimizer<any, any>;
  if (Cls === undefined) throw new Error(`unknown optimizer ${name}`);
  const spec = groups ? groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]) })) : params;
  return new Cls(spec, options);
}

const SCHEDULERS: Record<string, new (...args: any[]) => lrScheduler.LRScheduler> = {
  StepLR: lrScheduler.StepLR,
  MultiStepLR: lrScheduler.MultiStepLR,
  ExponentialLR: lrScheduler.ExponentialLR,
  CosineAnnealingLR: lrScheduler.CosineAnnealingLR,
  LinearLR: lrScheduler.LinearLR,
};

/** The scheduler named `name`, with PyTorch's positional arguments and camelCase options. */
export function makeScheduler(name: string, optimizer: Optimizer<any, any>, args: unknown[], options: Record<string, unknown>): lrScheduler.LRScheduler {
  const Cls = SCHEDULERS[name];
  if (Cls === undefined) throw new Error(`unknown scheduler ${name}`);
  return new Cls(optimizer, ...args, options);
}

/** A PyTorch state dict from the fixtures ({"tensor": {dtype, shape, values}} leaves) as torchlet values. */
export function decodeStateDict(json: unknown): OptimizerStateDict {
  return decode(json) as unknown as OptimizerStateDict;
}

function decode(v: unknown): StateValue {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') {
    const t = (v as { tensor?: { dtype: FloatDType; shape: number[]; values: number[] } }).tensor;
    if (t !== undefined) return tensor(arrayOf(t.dtype, t.values), { shape: t.shape, dtype: t.dtype });
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v as StateValue;
}

/** Elementwise tolerance `|a - e| <= atol + rtol·|e|`. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * Trajectory tolerances. float32: 1e-6 relative, and 1e-6 absolute for values that pass near
 * zero. float64: near-exact; PyTorch fuses `a + α·b` into one fma and core rounds the product
 * separately, a last-bit difference per step.
 */
export const TOLERANCE: Record<FloatDType, Tolerance> = {
  float32: { rtol: 1e-6, atol: 1e-6 },
  float64: { rtol: 1e-12, atol: 1e-13 },
};

/** How far apart two trajectories are. */
export interface Agreement {
  maxAbs: number;
  maxRel: number;
  /** Elements that differ at all (after rounding expected float32 values to float32). */
  differing: number;
  total: number;
  /** The first element outside the tolerance, if any. */
  firstBad: string | null;
}

/** Compares `actual` with `expected` row by row (one row per step); `record` adds it to the summary. */
export function compareRows(actual: number[][], expected: number[][], dtype: FloatDType, tol: Tolerance = TOLERANCE[dtype], record = true): Agreement {
  const out: Agreement = { maxAbs: 0, maxRel: 0, differing: 0, total: 0, firstBad: null };
  if (actual.length !== expected.length) {
    out.firstBad = `${actual.length} rows, expected ${expected.length}`;
    return out;
  }
  expected.forEach((row, s) => {
    if (actual[s].length !== row.length) {
      out.firstBad ??= `step ${s + 1}: ${actual[s].length} values, expected ${row.length}`;
      return;
    }
    row.forEach((raw, j) => {
      const e = dtype === 'float32' ? Math.fround(raw) : raw;
      const a = actual[s][j];
      const abs = Math.abs(a - e);
      out.total++;
      if (a !== e) out.differing++;
      if (!(abs <= tol.atol + tol.rtol * Math.abs(e))) out.firstBad ??= `step ${s + 1}, value ${j}: ${a} vs PyTorch ${e} (|diff| ${abs})`;
      if (Number.isNaN(abs)) return;
      out.maxAbs = Math.max(out.maxAbs, abs);
      if (e !== 0) out.maxRel = Math.max(out.maxRel, abs / Math.abs(e));
    });
  });
  if (record) REPORT.push({ dtype, ...out });
  return out;
}

/** Every comparison made in this test file, for the agreement summary. */
export const REPORT: (Agreement & { dtype: FloatDType })[] = [];

/** Prints the worst agreement per dtype when OPTIM_REPORT is set. */
export function printReport(title: string): void {
  if (!process.env.OPTIM_REPORT) return;
  for (const dtype of ['float32', 'float64'] as const) {
    const rows = REPORT.filter((r) => r.dtype === dtype);
    if (rows.length === 0) continue;
    const maxAbs = Math.max(...rows.map((r) => r.maxAbs));
    const maxRel = Math.max(...rows.map((r) => r.maxRel));
    const differing = rows.reduce((n, r) => n + r.differing, 0);
    const total = rows.reduce((n, r) => n + r.total, 0);
    const exact = rows.filter((r) => r.differing === 0).length;
    console.log(`${title} ${dtype}: ${rows.length} comparisons (${exact} bit-exact), ${differing}/${total} values differ, max abs ${maxAbs.toExponential(2)}, max rel ${maxRel.toExponential(2)}`);
  }
}
