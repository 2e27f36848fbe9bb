// Shared test helpers: reading PyTorch fixtures, building modules from specs, and comparing
// tensors with float32 (or float64) tolerances and a message that says where they differ.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type DType, type Tensor, tensor } from '@torchlet/core';
import {
  BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Dropout, Embedding, Flatten, GELU, HuberLoss, Identity, L1Loss, LayerNorm, LeakyReLU,
  Linear, LogSoftmax, Module, MSELoss, NLLLoss, Parameter, ReLU, Sequential, Sigmoid, SmoothL1Loss, Softmax, Tanh, functional as F,
} from '@torchlet/nn';
import { zeros, ones, type Tensor as T } from '@torchlet/core';

/** A tensor as the fixture scripts write it. */
export interface TensorJSON {
  dtype: DType;
  shape: number[];
  data: (number | string)[];
}

/** A module as the fixture scripts describe it: class, positional arguments, options. */
export interface ModuleSpec {
  type: string;
  args: any[];
  options: Record<string, any>;
}

/** Parses `test/fixtures/<name>`. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

function decodeNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw new Error(`bad fixture number ${v}`);
}

/** The flat values of a fixture tensor as numbers. */
export function values(t: TensorJSON): number[] {
  return t.data.map(decodeNumber);
}

/** A torchlet tensor from a fixture tensor. */
export function fromJSON(t: TensorJSON, opts: { requiresGrad?: boolean } = {}): Tensor {
  const data = values(t);
  const typed =
    t.dtype === 'float64' ? Float64Array.from(data) : t.dtype === 'int32' ? Int32Array.from(data) : t.dtype === 'bool' ? Uint8Array.from(data) : Float32Array.from(data);
  return tensor(typed, { shape: t.shape, dtype: t.dtype, requiresGrad: opts.requiresGrad });
}

/** Flat values of a torchlet tensor. */
export function flat(t: Tensor): number[] {
  const c = t.contiguous();
  return Array.from(c._data.subarray(c._offset, c._offset + c.numel()));
}

/** Default tolerances by dtype: float32 results are compared to float32 rounding noise. */
export function tolerance(dtype: DType): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 2e-5, atol: 2e-6 };
}

/** Asserts `actual` has the fixture's shape and dtype and its values are close (NaN = NaN, ±inf exact). */
export function expectClose(actual: Tensor | null, expected: TensorJSON, label = '', tol?: { rtol?: number; atol?: number }): void {
  expect(actual, `${label}: tensor missing`).not.toBeNull();
  const a = actual!;
  expect(a.shape, `${label}: shape`).toEqual(expected.shape);
  expect(a.dtype, `${label}: dtype`).toBe(expected.dtype);
  const { rtol, atol } = { ...tolerance(expected.dtype), ...tol };
  const got = flat(a);
  const want = values(expected);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (g !== w) expect.fail(`${label}: element ${i}: got ${g}, expected ${w}`);
      continue;
    }
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      expect.fail(`${label}: element ${i} of ${want.length}: got ${g}, expected ${w} (diff ${Math.abs(g - w)}, rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** Asserts exact equality of values (bit-for-bit after float32 rounding). */
export function expectExact(actual: Tensor, expected: TensorJSON, label = ''): void {
  expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  expect(actual.dtype, `${label}: dtype`).toBe(expected.dtype);
  expect(flat(actual), label).toEqual(values(expected));
}

/** The hand-written model of the fixtures (scripts/fixtures/nn.py's Net), in TypeScript. */
export class Net extends Module {
  fc1 = new Linear(4, 8);
  act = new GELU();
  declare steps: T;
  head: Sequential;
  scale: Parameter;
  declare cache: T;
  constructor() {
    super();
    this.registerBuffer('steps', zeros([1]));
    this.head = new Sequential(new Dropout(0.1), new Linear(8, 3, { bias: false }));
    this.scale = new Parameter(ones([3]));
    this.registerBuffer('cache', zeros([2]), false);
  }
  override forward(x: T): T {
    return this.head.call(this.act.call(this.fc1.call(x))).mul(this.scale);
  }
}

const CLASSES: Record<string, new (...args: any[]) => Module> = {
  Linear, Identity, Flatten, ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax, Dropout, LayerNorm, Embedding,
  MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss,
};

/** Builds the torchlet module a fixture spec describes. */
export function build(spec: ModuleSpec): Module {
  if (spec.type === 'Sequential') return new Sequential(...spec.args.map(build));
  if (spec.type === 'Net') return new Net();
  const C = CLASSES[spec.type];
  if (C === undefined) throw new Error(`no module ${spec.type}`);
  const hasOptions = Object.keys(spec.options).length > 0;
  // positional arguments first, then the options object (only where the constructor takes one)
  if (['ReLU', 'GELU', 'MSELoss', 'L1Loss', 'SmoothL1Loss', 'HuberLoss', 'NLLLoss', 'CrossEntropyLoss', 'BCELoss', 'BCEWithLogitsLoss'].includes(spec.type)) {
    return new C(spec.options);
  }
  if (spec.type === 'LeakyReLU' || spec.type === 'Dropout') return new C(spec.args[0], spec.options);
  return hasOptions ? new C(...spec.args, spec.options) : new C(...spec.args);
}

/** The functional form of a loss, by the fixture's name. */
export const lossFunctions: Record<string, (input: Tensor, target: Tensor, options: any) => Tensor> = {
  mseLoss: F.mseLoss,
  l1Loss: F.l1Loss,
  smoothL1Loss: F.smoothL1Loss,
  huberLoss: F.huberLoss,
  nllLoss: F.nllLoss,
  crossEntropy: F.crossEntropy,
  binaryCrossEntropy: F.binaryCrossEntropy,
  binaryCrossEntropyWithLogits: F.binaryCrossEntropyWithLogits,
};
