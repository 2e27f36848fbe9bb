// Replays every case of test/fixtures/ops.json (written by scripts/fixtures/core_ops.py from
// PyTorch 1.13) through torchlet: forward values, shape and dtype, grad_fn name, view/alias
// semantics, the gradient of every leaf for the recorded grad_output, and errors (class and the
// key phrase of PyTorch's message). Regenerate with `pnpm fixtures`.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abs, add, amax, amin, argmax, argmin, ArgumentError, AutogradError, cat, chunk, clamp, clone, contiguous, cos, div, DimError,
  DTypeError, eq, exp, expand, expm1, flatten, gather, ge, getBackend, gt, indexAdd, indexSelect, isfinite, isnan, le, log, log1p,
  listBackends, logicalAnd, logicalNot, logicalOr, logSoftmax, logsumexp, lt, maskedFill, matmul, max, maximum, mean, min, minimum, mul, narrow,
  ne, neg, norm, permute, pow, reciprocal, relu, reshape, rsub, scatterAdd, select, setBackend, ShapeError, sigmoid, sign, sin, softmax, split,
  sqrt, square, squeeze, stack, std, sub, sum, t, tanh, tensor, Tensor, transpose, unsqueeze, variance, view, where, onesLike, type DType,
  type TypedArray,
} from '@torchlet/core';
import { decodeValue, expectClose, type ExpectedTensor, type Tolerance } from './helpers/allclose';

// ---- the fixture format (see scripts/fixtures/core_ops.py) --------------------------------

type ViewStep = [string, ...any[]];
interface TensorSpec extends ExpectedTensor {
  requiresGrad?: boolean;
  view?: ViewStep[];
}
type OperandSpec = TensorSpec | TensorSpec[] | { scalar: number | string } | { ref: number; view?: ViewStep[] };

interface Case {
  group: string;
  name: string;
  op: string;
  inputs: OperandSpec[];
  args: any[];
  tol?: Partial<Tolerance>;
  error?: { torchType: string; torchMessage: string; class: string; phrase: string; stage: 'forward' | 'backward' };
  multi?: boolean;
  out?: ExpectedTensor[];
  gradFn?: (string | null)[];
  gradOutputs?: (ExpectedTensor | null)[];
  grads?: (ExpectedTensor | null)[];
  sameAsInput?: boolean;
  isView?: boolean;
  leafAfter?: ExpectedTensor;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/ops.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

type Operand = Tensor | number | Tensor[];

const ARRAY: Record<DType, new (values: number[]) => TypedArray> = {
  float32: Float32Array as never,
  float64: Float64Array as never,
  int32: Int32Array as never,
  bool: Uint8Array as never,
};

/** A fresh tensor with a spec's values (a leaf; requires grad if the spec says so). */
function fromSpec(spec: ExpectedTensor, requiresGrad = false): Tensor {
  const data = new ARRAY[spec.dtype](spec.values.map(decodeValue));
  return tensor(data, { shape: [...spec.shape], dtype: spec.dtype, requiresGrad });
}

function applyView(x: Tensor, [step, ...a]: ViewStep): Tensor {
  switch (step) {
    case 't': return x.t();
    case 'transpose': return x.transpose(a[0], a[1]);
    case 'permute': return x.permute(a[0]);
    case 'narrow': return x.narrow(a[0], a[1], a[2]);
    case 'select': return x.select(a[0], a[1]);
    case 'expand': return x.expand(a[0]);
    case 'unsqueeze': return x.unsqueeze(a[0]);
    case 'reshape': return x.reshape(a[0]);
    case 'clone': return x.clone();
    default: throw new Error(`unknown view step ${step}`);
  }
}

function build(spec: OperandSpec, leaves: Tensor[], built: Operand[]): Operand {
  if (Array.isArray(spec)) return spec.map((s) => build(s, leaves, built) as Tensor);
  if ('scalar' in spec) return decodeValue(spec.scalar);
  let x: Tensor;
  if ('ref' in spec) x = built[spec.ref] as Tensor;
  else {
    x = fromSpec(spec, spec.requiresGrad === true);
    leaves.push(x);
  }
  for (const step of spec.view ?? []) x = applyView(x, step);
  return x;
}

/** Decodes 'nan'/'inf' in number arguments (other strings, e.g. dtypes, pass through). */
function arg(v: any): any {
  return v === 'nan' || v === 'inf' || v === '-inf' ? decodeValue(v) : v;
}

// ---- the replay table: each op called as a torchlet user would -----------------------------

type OpFn = (i: any[], a: any[]) => Tensor | Tensor[];
const unary = (fn: (x: Tensor) => Tensor): OpFn => ([x]) => fn(x);
const binary = (fn: (x: Tensor, y: any) => Tensor): OpFn => ([x, y]) => fn(x, y);

const OPS: Record<string, OpFn> = {
  add: ([x, y], a) => (a.length > 0 ? add(x, y, a[0]) : add(x, y)),
  sub: ([x, y], a) => (a.length > 0 ? sub(x, y, a[0]) : sub(x, y)),
  rsub: ([x, s]) => rsub(x, s),
  mul: binary(mul),
  div: binary(div),
  pow: ([x, y]) => pow(x, y),
  maximum: binary(maximum),
  minimum: binary(minimum),
  clamp: ([x], [lo, hi]) => clamp(x, arg(lo), arg(hi)),
  eq: binary(eq), ne: binary(ne), lt: binary(lt), le: binary(le), gt: binary(gt), ge: binary(ge),
  logicalAnd: binary(logicalAnd),
  logicalOr: binary(logicalOr),
  logicalNot: unary(logicalNot),
  isnan: unary(isnan),
  isfinite: unary(isfinite),
  where: ([c, x, y]) => where(c, x, y),
  maskedFill: ([x, m], [v]) => maskedFill(x, m, arg(v)),
  neg: unary(neg), exp: unary(exp), expm1: unary(expm1), log: unary(log), log1p: unary(log1p), sqrt: unary(sqrt), abs: unary(abs),
  relu: unary(relu), sigmoid: unary(sigmoid), tanh: unary(tanh), reciprocal: unary(reciprocal), sin: unary(sin), cos: unary(cos),
  square: unary(square), sign: unary(sign),
  sum: ([x], [d, k]) => (d === null ? sum(x) : sum(x, d, k)),
  mean: ([x], [d, k]) => (d === null ? mean(x) : mean(x, d, k)),
  amax: ([x], [d, k]) => (d === null ? amax(x, undefined, k) : amax(x, d, k)),
  amin: ([x], [d, k]) => (d === null ? amin(x, undefined, k) : amin(x, d, k)),
  max: unary(max),
  min: unary(min),
  maxDim: ([x], [d, k]) => {
    const r = (x as Tensor).max(d, k);
    return [r.values, r.indices];
  },
  minDim: ([x], [d, k]) => {
    const r = (x as Tensor).min(d, k);
    return [r.values, r.indices];
  },
  argmax: ([x], [d, k]) => argmax(x, d, k),
  argmin: ([x], [d, k]) => argmin(x, d, k),
  variance: ([x], [d, correction, keepdim]) => variance(x, d, { correction, keepdim }),
  std: ([x], [d, correction, keepdim]) => std(x, d, { correction, keepdim }),
  logsumexp: ([x], [d, k]) => logsumexp(x, d, k),
  norm: ([x], [p]) => norm(x, arg(p)),
  reshape: ([x], [s]) => reshape(x, s),
  view: ([x], [s]) => view(x, s),
  transpose: ([x], [d0, d1]) => transpose(x, d0, d1),
  permute: ([x], [dims]) => permute(x, dims),
  t: unary(t),
  unsqueeze: ([x], [d]) => unsqueeze(x, d),
  squeeze: ([x], a) => (a.length > 0 ? squeeze(x, a[0]) : squeeze(x)),
  expand: ([x], [s]) => expand(x, s),
  flatten: ([x], a) => flatten(x, ...(a as [number?, number?])),
  contiguous: unary(contiguous),
  clone: unary(clone),
  narrow: ([x], [d, s, l]) => narrow(x, d, s, l),
  select: ([x], [d, i]) => select(x, d, i),
  split: ([x], [size, d]) => split(x, size, d),
  chunk: ([x], [n, d]) => chunk(x, n, d),
  cat: ([xs], [d]) => cat(xs, d),
  stack: ([xs], [d]) => stack(xs, d),
  gather: ([x, idx], [d]) => gather(x, d, idx),
  scatterAdd: ([x, idx, src], [d]) => scatterAdd(x, d, idx, src),
  indexSelect: ([x, idx], [d]) => indexSelect(x, d, idx),
  indexAdd: ([x, idx, src], [d]) => indexAdd(x, d, idx, src),
  matmul: binary(matmul),
  softmax: ([x], [d]) => softmax(x, d),
  logSoftmax: ([x], [d]) => logSoftmax(x, d),
  // Tensor methods
  to: ([x], [dtype]) => (x as Tensor).to(dtype),
  float: ([x]) => (x as Tensor).float(),
  double: ([x]) => (x as Tensor).double(),
  int: ([x]) => (x as Tensor).int(),
  bool: ([x]) => (x as Tensor).bool(),
  zero_: ([x]) => (x as Tensor).zero_(),
  fill_: ([x], [v]) => (x as Tensor).fill_(arg(v)),
  add_: ([x, y], a) => (a.length > 0 ? (x as Tensor).add_(y, a[0]) : (x as Tensor).add_(y)),
  sub_: ([x, y], a) => (a.length > 0 ? (x as Tensor).sub_(y, a[0]) : (x as Tensor).sub_(y)),
  mul_: ([x, y]) => (x as Tensor).mul_(y),
  div_: ([x, y]) => (x as Tensor).div_(y),
  copy_: ([x, y]) => (x as Tensor).copy_(y),
  clamp_: ([x], [lo, hi]) => (x as Tensor).clamp_(arg(lo), arg(hi)),
  // op a[0] (with args a.slice(1)), then `add_(1)` on its output or first input: backward must
  // fail exactly when that op saved the modified tensor
  thenModifyOutput: (i, [op, ...a]) => {
    const out = OPS[op](i, a) as Tensor;
    out.add_(1);
    return out;
  },
  thenModifyInput: (i, [op, ...a]) => {
    const out = OPS[op](i, a);
    (i[0] as Tensor).add_(1);
    return out;
  },
};

const ERROR_CLASSES: Record<string, new (...args: any[]) => Error> = { ShapeError, DimError, DTypeError, ArgumentError, AutogradError };

// PyTorch 1.13 records reshape-as-view as ReshapeAliasBackward0; torchlet records ViewBackward0 (documented).
const GRAD_FN_ALIASES: Record<string, string> = { ReshapeAliasBackward0: 'ViewBackward0' };

// ---- replay -----------------------------------------------------------------------------------

function replay(c: Case): void {
  const leaves: Tensor[] = [];
  const built: Operand[] = [];
  for (const spec of c.inputs) built.push(build(spec, leaves, built));
  const op = OPS[c.op];
  if (op === undefined) throw new Error(`no replay entry for op ${c.op}`);
  const args = c.args;

  if (c.error !== undefined) {
    const cls = ERROR_CLASSES[c.error.class];
    let thrown: unknown = null;
    try {
      const result = op(built, args);
      if (c.error.stage === 'backward') {
        const outs = Array.isArray(result) ? result : [result];
        for (const o of outs) if (o.requiresGrad) o.backward(onesLike(o), { retainGraph: true });
      }
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `expected ${c.error.class} (PyTorch: ${c.error.torchType}: ${c.error.torchMessage})`).toBeInstanceOf(cls);
    expect((thrown as Error).message).toContain(c.error.phrase);
    return;
  }

  const result = op(built, args);
  const outs = Array.isArray(result) ? result : [result];
  expect(outs.length, 'number of outputs').toBe(c.out!.length);
  outs.forEach((o, k) => {
    expectClose(o, c.out![k], c.tol, `output ${k}`);
    const want = c.gradFn![k];
    expect(o.gradFn?.name ?? null, `grad_fn of output ${k}`).toBe(want === null ? null : (GRAD_FN_ALIASES[want] ?? want));
    expect(o.requiresGrad, `requiresGrad of output ${k}`).toBe(c.gradOutputs![k] !== null);
  });
  if (!c.multi) {
    expect(result === built[0], 'returns its input itself').toBe(c.sameAsInput);
    if (!c.sameAsInput) expect(outs[0].base !== null, 'is a view of its input').toBe(c.isView);
  }
  if (c.leafAfter !== undefined) expectClose(leaves[0], c.leafAfter, c.tol, 'input after the in-place op');

  const diff = outs.map((o, k) => [o, c.gradOutputs![k]] as const).filter(([, g]) => g !== null);
  for (const [o, g] of diff) o.backward(fromSpec(g!), { retainGraph: diff.length > 1 });
  leaves.forEach((leaf, i) => {
    const want = c.grads![i];
    if (want === null) expect(leaf.isLeaf ? leaf.grad : null, `grad of input ${i}`).toBeNull();
    else {
      expect(leaf.grad, `grad of input ${i}`).not.toBeNull();
      expectClose(leaf.grad!, want, c.tol, `grad of input ${i}`);
    }
  });
}

const groups = new Map<string, Case[]>();
for (const c of fixture.cases) {
  if (!groups.has(c.group)) groups.set(c.group, []);
  groups.get(c.group)!.push(c);
}

describe(`ops fixtures from PyTorch ${fixture.torch}`, () => {
  it('cover every value-computing op and Tensor method', () => {
    const covered = new Set(fixture.cases.map((c) => c.op));
    const required = [
      'add', 'sub', 'rsub', 'mul', 'div', 'pow', 'neg', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'abs', 'relu', 'sigmoid', 'tanh',
      'reciprocal', 'sin', 'cos', 'square', 'sign', 'clamp', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd',
      'logicalOr', 'logicalNot', 'isnan', 'isfinite', 'where', 'maskedFill', 'sum', 'mean', 'amax', 'amin', 'max', 'min', 'maxDim',
      'minDim', 'argmax', 'argmin', 'variance', 'std', 'logsumexp', 'norm', 'reshape', 'view', 'transpose', 'permute', 't',
      'unsqueeze', 'squeeze', 'expand', 'flatten', 'contiguous', 'clone', 'narrow', 'select', 'split', 'chunk', 'cat', 'stack',
      'gather', 'scatterAdd', 'indexSelect', 'indexAdd', 'matmul', 'softmax', 'logSoftmax', 'to', 'float', 'double', 'int', 'bool',
      'zero_', 'fill_', 'add_', 'sub_', 'mul_', 'div_', 'copy_', 'clamp_',
    ];
    expect(required.filter((op) => !covered.has(op))).toEqual([]);
    expect([...covered].filter((op) => !(op in OPS))).toEqual([]);
  });
});

// Every kernel backend available here (the WebAssembly one where it loads) replays every case.
for (const backend of listBackends()) {
  describe(`ops on the ${backend} backend against PyTorch ${fixture.torch}`, () => {
    let previous = getBackend();
    beforeAll(() => {
      previous = getBackend();
      setBackend(backend);
    });
    afterAll(() => setBackend(previous));
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const c of cases) it(c.name, () => replay(c));
      });
    }
  });
}
